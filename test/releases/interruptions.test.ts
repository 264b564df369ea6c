import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SpawnedAgent } from '../helpers/agents.js';
import type { PackageServer } from '../helpers/packages.js';
import { startPackageServer } from '../helpers/packages.js';
import type { TestRuntime } from '../helpers/runtime.js';
import { startTestRuntime } from '../helpers/runtime.js';
import { startFleet, until, untilEnded } from './helpers.js';

let rt: TestRuntime;
let pkg: PackageServer;
let agents: SpawnedAgent[] = [];
let ids: string[] = [];

beforeAll(async () => {
  pkg = await startPackageServer();
  rt = await startTestRuntime({ packageCaFile: pkg.caFile, agentHeartbeatSeconds: 1 });
  ({ agents, ids } = await startFleet(rt, pkg, 'order-service', 3));
});
afterAll(async () => {
  await Promise.all(agents.map((a) => a.dispose()));
  await rt.close();
  await pkg.stop();
});

describe('an agent killed mid-deploy', () => {
  it('times out, retries, and ends failed with the reason', async () => {
    const slow = pkg.addPackage('v2.0.0', { 'app.txt': '2.0.0' }, { hooks: { start: { command: 'sleep 60', timeout_seconds: 90 } } });
    await rt.call('POST', '/v1/deploy/execute', { body: { service: 'order-service', version: 'v2.0.0', instances: [ids[0]], package_url: slow.url, deploy_id: 'deploy-killed', timeout: 4, retry_count: 1 } });
    await until(() => rt.call('GET', '/v1/deploy/status/deploy-killed'), (r) => r.body.data.instances[0].status === 'in_progress' && r.body.data.instances[0].attempts === 1);
    await agents[0]?.waitForLog((line) => /hook/.test(line.event) && JSON.stringify(line).includes('start'), 30_000).catch(() => undefined);
    await agents[0]?.kill();
    const status = await untilEnded(rt, '/v1/deploy/status/deploy-killed');
    expect(status.status).toBe('failed');
    expect(status.instances[0]).toMatchObject({ status: 'failed', attempts: 2 });
    expect(status.instances[0].error_message).toMatch(/attempt 2 of 2: the agent (did not answer within 4 s|stopped reporting progress)/);
  });

  it('reports the interrupted command failed when it comes back', async () => {
    await agents[0]?.restart();
    await agents[0]?.waitForLog((line) => JSON.stringify(line).includes('agent restarted'), 30_000);
    // The late answer is for an attempt that already ended: harmless, the deployment stays failed.
    expect((await rt.call('GET', '/v1/deploy/status/deploy-killed')).body.data.status).toBe('failed');
  });
});

describe('cancel mid-deploy', () => {
  it('ends the deployment cancelled: pending instances at once, the working one when its agent stops', async () => {
    const slow = pkg.addPackage('v2.1.0', { 'app.txt': '2.1.0' }, { hooks: { start: { command: 'sleep 30', timeout_seconds: 60 } } });
    await rt.call('POST', '/v1/deploy/execute', { body: { service: 'order-service', version: 'v2.1.0', instances: [ids[1], ids[2]], package_url: slow.url, deploy_id: 'deploy-cancel', max_concurrency: 1, timeout: 60 } });
    await until(() => rt.call('GET', '/v1/deploy/status/deploy-cancel'), (r) => r.body.data.instances.some((i: { status: string }) => i.status === 'in_progress'));
    await agents[1]?.waitForLog((line) => JSON.stringify(line).includes('start'), 30_000).catch(() => undefined);
    const cancelled = await rt.call('POST', '/v1/deploy/cancel/deploy-cancel');
    expect(cancelled.body).toMatchObject({ code: 200, message: 'deployment cancelled successfully', data: { deploy_id: 'deploy-cancel', status: 'cancelled' } });
    const status = await untilEnded(rt, '/v1/deploy/status/deploy-cancel');
    expect(status.status).toBe('cancelled');
    const byId = Object.fromEntries(status.instances.map((i: { instance_id: string }) => [i.instance_id, i]));
    expect(byId[ids[1] ?? '']).toMatchObject({ status: 'cancelled' });
    expect(byId[ids[2] ?? '']).toMatchObject({ status: 'cancelled', error_message: 'cancelled before it started' });
    expect(agents[1]?.currentVersion()).not.toBe('v2.1.0');
    expect((await rt.call('POST', '/v1/deploy/cancel/deploy-cancel')).status).toBe(409);
    // The instances are free again.
    const next = pkg.addPackage('v2.2.0', { 'app.txt': '2.2.0' });
    const again = await rt.call('POST', '/v1/deploy/execute', { body: { service: 'order-service', version: 'v2.2.0', instances: [ids[1], ids[2]], package_url: next.url, deploy_id: 'deploy-after-cancel' } });
    expect(again.status).toBe(200);
    expect((await untilEnded(rt, '/v1/deploy/status/deploy-after-cancel')).status).toBe('completed');
  });
});
