import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../local/dynamodb.js';
import { formatLoad, load } from './load.js';

/**
 * Platform figures: `npm start`'s time to ready on a fresh data folder and on a warm one, and the
 * latency of an unauthenticated and an authenticated route under 50 concurrent clients.
 */
export async function benchPlatform(): Promise<string[]> {
  const lines: string[] = [];
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-platform-'));
  const port = await freePort();
  const token = 'cpt_bench_admin_token_0123456789';
  try {
    for (const label of ['fresh data folder', 'existing data folder']) {
      const { ms, stop } = await startAndWait(port, dataDir, token);
      lines.push(`npm start time to ready (${label}): ${ms} ms`);
      if (label === 'existing data folder') {
        const base = `http://127.0.0.1:${port}`;
        await fetch(`${base}/health`);
        lines.push(formatLoad('GET /health, 50 clients', await load({ concurrency: 50, seconds: 5, request: () => fetch(`${base}/health`) })));
        lines.push(formatLoad('GET /admin/users (bearer auth + DynamoDB), 50 clients', await load({ concurrency: 50, seconds: 5, request: () => fetch(`${base}/admin/users`, { headers: { authorization: `Bearer ${token}` } }) })));
      }
      await stop();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
  return lines;
}

/** Starts `npm start` as a user would and measures until GET /ready answers 200. */
async function startAndWait(port: number, dataDir: string, token: string): Promise<{ ms: number; stop: () => Promise<void> }> {
  const started = Date.now();
  const child = spawn('npm', ['start'], { env: { ...process.env, PORT: String(port), DATA_DIR: dataDir, ADMIN_TOKEN: token, LOG_LEVEL: 'ERROR' }, stdio: 'ignore', detached: true });
  for (;;) {
    try {
      const response = await fetch(`http://127.0.0.1:${port}/ready`);
      if (response.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() - started > 120_000) throw new Error('npm start did not become ready in 120 s');
    await new Promise((r) => setTimeout(r, 50));
  }
  const ms = Date.now() - started;
  return {
    ms,
    stop: () =>
      new Promise<void>((done) => {
        child.once('exit', () => done());
        if (child.pid) process.kill(-child.pid, 'SIGTERM');
      }),
  };
}
