import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatLoad, load } from './load.js';
import { startServer } from './server.js';

/**
 * Platform figures: `npm start`'s time to ready on a fresh data folder and on an existing one, and
 * the latency of an unauthenticated and an authenticated route under 50 concurrent clients.
 */
export async function benchPlatform(): Promise<string[]> {
  const lines: string[] = [];
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-platform-'));
  try {
    const fresh = await startServer({ dataDir });
    lines.push(`npm start time to ready (fresh data folder): ${fresh.readyMs} ms`);
    await fresh.stop();
    const warm = await startServer({ dataDir });
    lines.push(`npm start time to ready (existing data folder): ${warm.readyMs} ms`);
    lines.push(formatLoad('GET /health, 50 clients', await load({ concurrency: 50, seconds: 5, request: () => fetch(`${warm.base}/health`) })));
    lines.push(
      formatLoad(
        'GET /admin/users (bearer auth + DynamoDB), 50 clients',
        await load({ concurrency: 50, seconds: 5, request: () => warm.call('GET', '/admin/users') }),
      ),
    );
    await warm.stop();
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
  return lines;
}
