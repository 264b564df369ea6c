import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../../local/dynamodb.js';
import type { SpawnedAgent } from '../helpers/agents.js';
import { startPackageServer } from '../helpers/packages.js';
import { startTestRuntime } from '../helpers/runtime.js';
import { startFleet, until, untilEnded } from './helpers.js';

const dataDir = mkdtempSync(join(tmpdir(), 'release-restart-'));
let agents: SpawnedAgent[] = [];
afterAll(async () => {
  await Promise.all(agents.map((a) => a.dispose()));
  rmSync(dataDir, { recursive: true, force: true });
});

describe('the local runtime restarting mid-deployment', () => {
  it('ends the deployment in a recorded state instead of leaving it in progress', async () => {
    const pkg = await startPackageServer();
    const port = await freePort();
    const options = { packageCaFile: pkg.caFile, agentHeartbeatSeconds: 1, dataDir, port, tablePrefix: 'restart_' };
    const first = await startTestRuntime(options);
    ({ agents } = await startFleet(first, pkg, 'cart-service', 2));
    const slow = pkg.addPackage('v3.0.0', { 'app.txt': '3.0.0' }, { hooks: { start: { command: 'sleep 20', timeout_seconds: 60 } } });
    const ids = ['cart-service-1', 'cart-service-2'];
    await first.call('POST', '/v1/deploy/execute', {
      body: { service: 'cart-service', version: 'v3.0.0', instances: ids, package_url: slow.url, deploy_id: 'deploy-restart', max_concurrency: 1, timeout: 60 },
    });
    await until(
      () => first.call('GET', '/v1/deploy/status/deploy-restart'),
      (r) => r.body.data.progress.in_progress === 1,
    );
    await first.close();

    const second = await startTestRuntime({ ...options, dynamodbEndpoint: first.dynamodbEndpoint, adminToken: first.adminToken });
    try {
      const status = await untilEnded(second, '/v1/deploy/status/deploy-restart');
      expect(status.status).toBe('failed');
      expect(status.error_message).toContain('restarted');
      for (const row of status.instances) {
        expect(['failed', 'completed']).toContain(row.status);
        if (row.status === 'failed') expect(row.error_message).toContain('restarted');
      }
      // The instances are free: a new deployment can take them.
      const next = pkg.addPackage('v3.0.1', { 'app.txt': '3.0.1' });
      const again = await second.call('POST', '/v1/deploy/execute', {
        body: { service: 'cart-service', version: 'v3.0.1', instances: ids, package_url: next.url, deploy_id: 'deploy-after-restart' },
      });
      expect(again.status, again.text).toBe(200);
      expect((await untilEnded(second, '/v1/deploy/status/deploy-after-restart')).status).toBe('completed');
    } finally {
      await second.close();
      await pkg.stop();
    }
  });
});
