import { describe, expect, it } from 'vitest';
import { until, untilEnded, useFleet } from './helpers.js';

const fleet = useFleet('order-service', 3);

describe('an agent killed mid-deploy', () => {
  it('times out, retries, and ends failed with the reason', async () => {
    const slow = fleet.pkg.addPackage('v2.0.0', { 'app.txt': '2.0.0' }, { hooks: { start: { command: 'sleep 60', timeout_seconds: 90 } } });
    await fleet.rt.call('POST', '/v1/deploy/execute', {
      body: {
        service: 'order-service',
        version: 'v2.0.0',
        instances: [fleet.ids[0]],
        package_url: slow.url,
        deploy_id: 'deploy-killed',
        timeout: 4,
        retry_count: 1,
      },
    });
    await until(
      () => fleet.rt.call('GET', '/v1/deploy/status/deploy-killed'),
      (r) => r.body.data.instances[0].status === 'in_progress' && r.body.data.instances[0].attempts === 1,
    );
    await fleet.agents[0]?.waitForLog((line) => /hook/.test(line.event) && JSON.stringify(line).includes('start'), 30_000).catch(() => undefined);
    await fleet.agents[0]?.kill();
    const status = await untilEnded(fleet.rt, '/v1/deploy/status/deploy-killed');
    expect(status.status).toBe('failed');
    expect(status.instances[0]).toMatchObject({ status: 'failed', attempts: 2 });
    expect(status.instances[0].error_message).toMatch(/attempt 2 of 2: the agent (did not answer within 4 s|stopped reporting progress)/);
  });

  it('reports the interrupted command failed when it comes back', async () => {
    await fleet.agents[0]?.restart();
    await fleet.agents[0]?.waitForLog((line) => JSON.stringify(line).includes('agent restarted'), 30_000);
    // The late answer is for an attempt that already ended: harmless, the deployment stays failed.
    expect((await fleet.rt.call('GET', '/v1/deploy/status/deploy-killed')).body.data.status).toBe('failed');
  });
});

describe('cancel mid-deploy', () => {
  it('ends the deployment cancelled: pending instances at once, the working one when its agent stops', async () => {
    const slow = fleet.pkg.addPackage('v2.1.0', { 'app.txt': '2.1.0' }, { hooks: { start: { command: 'sleep 30', timeout_seconds: 60 } } });
    await fleet.rt.call('POST', '/v1/deploy/execute', {
      body: {
        service: 'order-service',
        version: 'v2.1.0',
        instances: [fleet.ids[1], fleet.ids[2]],
        package_url: slow.url,
        deploy_id: 'deploy-cancel',
        max_concurrency: 1,
        timeout: 60,
      },
    });
    await until(
      () => fleet.rt.call('GET', '/v1/deploy/status/deploy-cancel'),
      (r) => r.body.data.instances.some((i: { status: string }) => i.status === 'in_progress'),
    );
    await fleet.agents[1]?.waitForLog((line) => JSON.stringify(line).includes('start'), 30_000).catch(() => undefined);
    const cancelled = await fleet.rt.call('POST', '/v1/deploy/cancel/deploy-cancel');
    expect(cancelled.body).toMatchObject({
      code: 200,
      message: 'deployment cancelled successfully',
      data: { deploy_id: 'deploy-cancel', status: 'cancelled' },
    });
    const status = await untilEnded(fleet.rt, '/v1/deploy/status/deploy-cancel');
    expect(status.status).toBe('cancelled');
    const byId = Object.fromEntries(status.instances.map((i: { instance_id: string }) => [i.instance_id, i]));
    expect(byId[fleet.ids[1] ?? '']).toMatchObject({ status: 'cancelled' });
    expect(byId[fleet.ids[2] ?? '']).toMatchObject({ status: 'cancelled', error_message: 'cancelled before it started' });
    expect(fleet.agents[1]?.currentVersion()).not.toBe('v2.1.0');
    expect((await fleet.rt.call('POST', '/v1/deploy/cancel/deploy-cancel')).status).toBe(409);
    // The instances are free again.
    const next = fleet.pkg.addPackage('v2.2.0', { 'app.txt': '2.2.0' });
    const again = await fleet.rt.call('POST', '/v1/deploy/execute', {
      body: { service: 'order-service', version: 'v2.2.0', instances: [fleet.ids[1], fleet.ids[2]], package_url: next.url, deploy_id: 'deploy-after-cancel' },
    });
    expect(again.status).toBe(200);
    expect((await untilEnded(fleet.rt, '/v1/deploy/status/deploy-after-cancel')).status).toBe('completed');
  });
});
