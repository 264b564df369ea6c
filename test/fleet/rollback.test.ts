import { describe, expect, it } from 'vitest';
import type { FleetContext } from './helpers.js';
import { until, untilEnded, useFleet } from './helpers.js';

async function deploy(ctx: FleetContext, version: string, id: string) {
  const release = ctx.pkg.addPackage(version, { 'app.txt': version });
  const reply = await ctx.rt.call('POST', '/v1/deploy/execute', {
    body: { service: 'pay-service', version, instances: ctx.ids, package_url: release.url, deploy_id: id, max_concurrency: 2 },
  });
  expect(reply.status, reply.text).toBe(200);
  expect((await untilEnded(ctx.rt, `/v1/deploy/status/${id}`)).status).toBe('completed');
}

const fleet = useFleet('pay-service', 3, async (ctx) => {
  await deploy(ctx, 'v1.1.0', 'deploy-pay-1');
  await deploy(ctx, 'v1.2.0', 'deploy-pay-2');
});

describe('rollback', () => {
  it('rolls one instance back to a kept version without downloading it again', async () => {
    const started = await fleet.rt.call('POST', '/v1/rollback/instance', { body: { instance_id: fleet.ids[0], target_version: 'v1.1.0' } });
    expect(started.body).toMatchObject({
      code: 200,
      message: 'rollback started successfully',
      data: { instance_id: fleet.ids[0], target_version: 'v1.1.0', status: 'started' },
    });
    const id = started.body.data.rollback_id as string;
    expect(id).toMatch(/^rollback-/);
    const status = await untilEnded(fleet.rt, `/v1/rollback/status/${id}`);
    expect(status).toMatchObject({
      rollback_id: id,
      service: 'pay-service',
      target_version: 'v1.1.0',
      rollback_type: 'single',
      status: 'completed',
      progress: { total: 1, completed: 1, failed: 0, pending: 0 },
    });
    expect(status.instances[0]).toMatchObject({ instance_id: fleet.ids[0], status: 'completed', current_version: 'v1.1.0', target_version: 'v1.1.0' });
    expect(fleet.agents[0]?.currentVersion()).toBe('v1.1.0');
    expect(status.instances[0].output_tail).toContain('without downloading');
  });

  it('rolls back every instance not on the target when instances are omitted, from a given package_url', async () => {
    const old = fleet.pkg.addPackage('v1.0.0', { 'app.txt': '1.0.0' });
    const started = await fleet.rt.call('POST', '/v1/rollback/batch', { body: { service: 'pay-service', target_version: 'v1.0.0', package_url: old.url } });
    expect(started.body.data).toMatchObject({ service: 'pay-service', target_version: 'v1.0.0', status: 'started', total_instances: 3 });
    expect([...started.body.data.instances].sort()).toEqual([...fleet.ids].sort());
    const status = await untilEnded(fleet.rt, `/v1/rollback/status/${started.body.data.rollback_id}`);
    expect(status).toMatchObject({ rollback_type: 'batch', status: 'completed', progress: { completed: 3 } });
    for (const agent of fleet.agents) expect(agent.currentVersion()).toBe('v1.0.0');
  });

  it('finds the recorded package of a deployed version for a batch rollback without package_url', async () => {
    const started = await fleet.rt.call('POST', '/v1/rollback/batch', {
      body: { service: 'pay-service', target_version: 'v1.2.0', instances: [fleet.ids[1], fleet.ids[2]] },
    });
    expect(started.status).toBe(200);
    expect((await untilEnded(fleet.rt, `/v1/rollback/status/${started.body.data.rollback_id}`)).status).toBe('completed');
    const unknown = await fleet.rt.call('POST', '/v1/rollback/batch', { body: { service: 'pay-service', target_version: 'v0.9.0' } });
    expect(unknown.body).toMatchObject({ code: 40002, data: null });
    expect(unknown.body.message).toContain('package_url');
    const unknownInstance = await fleet.rt.call('POST', '/v1/rollback/instance', { body: { instance_id: 'ghost', target_version: 'v1.1.0' } });
    expect(unknownInstance.body.code).toBe(40003);
  });
});

describe('fleet reads after deploys and rollbacks', () => {
  it('keeps every deploy and rollback in the instance version history, newest first', async () => {
    const history = await fleet.rt.call('GET', `/v1/instance/${fleet.ids[0]}/version-history`);
    expect(history.body.data.total).toBe(4);
    expect(history.body.data.history.map((h: { action: string; version: string; status: string }) => `${h.action} ${h.version} ${h.status}`)).toEqual([
      'rollback v1.0.0 success',
      'rollback v1.1.0 success',
      'deploy v1.2.0 success',
      'deploy v1.1.0 success',
    ]);
    const paged = await fleet.rt.call('GET', `/v1/instance/${fleet.ids[0]}/version-history?limit=1&offset=1`);
    expect(paged.body.data.history).toHaveLength(1);
    expect(paged.body.data.history[0].version).toBe('v1.1.0');
  });

  it('lists instances with their health, filters and paging', async () => {
    const list = await fleet.rt.call('GET', '/v1/service/pay-service/instances');
    expect(list.body.data).toMatchObject({ service: 'pay-service', total: 3, limit: 100, offset: 0 });
    expect(list.body.data.instances[0]).toMatchObject({ host: '10.0.0.1', port: 8080, status: 'healthy', metadata: { region: 'us-west-1' } });
    const onV12 = await fleet.rt.call('GET', '/v1/service/pay-service/instances?version=v1.2.0');
    expect(onV12.body.data.total).toBe(2);
    const page = await fleet.rt.call('GET', '/v1/service/pay-service/instances?limit=1&offset=2');
    expect(page.body.data.instances).toHaveLength(1);
    const versions = await fleet.rt.call('GET', '/v1/service/pay-service/instances/versions');
    expect(versions.body.data.version_summary).toEqual({ 'v1.0.0': 1, 'v1.2.0': 2 });
    expect((await fleet.rt.call('GET', '/v1/service/nope/instances')).body.code).toBe(40001);
    expect((await fleet.rt.call('GET', '/v1/service/pay-service/instances?status=sleeping')).status).toBe(400);
  });

  it('counts deployments, rollbacks and instance health in the stats', async () => {
    const stats = await fleet.rt.call('GET', '/v1/stats?period=24h');
    expect(stats.body.data).toMatchObject({
      period: '24h',
      deployments: { total: 2, success: 2, failed: 0, success_rate: 100 },
      rollbacks: { total: 3, success: 3, failed: 0, success_rate: 100 },
      instances: { total: 3, healthy: 3, unhealthy: 0 },
    });
    for (const period of ['1h', '7d', '30d']) expect((await fleet.rt.call('GET', `/v1/stats?period=${period}`)).body.data.deployments.total).toBe(2);
    expect((await fleet.rt.call('GET', '/v1/stats?period=2h')).status).toBe(400);
    // Three missed heartbeats make an instance unhealthy.
    await fleet.agents[2]?.kill();
    const after = await until(
      () => fleet.rt.call('GET', '/v1/stats'),
      (r) => r.body.data.instances.unhealthy === 1,
      30_000,
    );
    expect(after.body.data.instances).toEqual({ total: 3, healthy: 2, unhealthy: 1 });
    const unhealthy = await fleet.rt.call('GET', '/v1/service/pay-service/instances?status=unhealthy');
    expect(unhealthy.body.data.instances.map((i: { instance_id: string }) => i.instance_id)).toEqual([fleet.ids[2]]);
  });
});
