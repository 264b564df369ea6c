import { describe, expect, it } from 'vitest';
import { untilEnded, useFleet } from './helpers.js';

const fleet = useFleet('user-service', 3);

describe('deploy to every instance', () => {
  it('runs the package on all instances through their fleet.agents and records it everywhere', async () => {
    const release = fleet.pkg.addPackage(
      'v1.1.0',
      { 'app.txt': 'hello 1.1.0', 'start.sh': '#!/bin/sh\necho "starting $DEPLOY_VERSION"\n' },
      { hooks: { start: { command: './start.sh', timeout_seconds: 10 }, validate: { command: 'test -f app.txt' } } },
    );
    const started = await fleet.rt.call('POST', '/v1/deploy/execute', {
      body: { service: 'user-service', version: 'v1.1.0', instances: fleet.ids, package_url: release.url, deploy_id: 'deploy-all-1', sha256: release.sha256 },
    });
    expect(started.status, started.text).toBe(200);
    expect(started.body).toMatchObject({
      code: 200,
      message: 'deployment started successfully',
      data: { deploy_id: 'deploy-all-1', service: 'user-service', version: 'v1.1.0', status: 'started', total_instances: 3 },
    });

    const status = await untilEnded(fleet.rt, '/v1/deploy/status/deploy-all-1');
    expect(status).toMatchObject({ status: 'completed', progress: { total: 3, completed: 3, failed: 0, pending: 0 } });
    for (const row of status.instances)
      expect(row).toMatchObject({ status: 'completed', current_version: 'v1.1.0', target_version: 'v1.1.0', error_message: null });
    expect(status.instances[0].output_tail).toContain('starting v1.1.0');
    for (const agent of fleet.agents) expect(agent.currentVersion()).toBe('v1.1.0');

    const versions = await fleet.rt.call('GET', '/v1/service/user-service/instances/versions');
    expect(versions.body.data).toMatchObject({ service: 'user-service', version_summary: { 'v1.1.0': 3 }, total_instances: 3 });
    const history = await fleet.rt.call('GET', `/v1/instance/${fleet.ids[0]}/version-history`);
    expect(history.body.data).toMatchObject({ instance_id: fleet.ids[0], service: 'user-service', total: 1 });
    expect(history.body.data.history[0]).toMatchObject({ version: 'v1.1.0', action: 'deploy', deploy_id: 'deploy-all-1', status: 'success' });
  });
});

describe('retries and failures', () => {
  it('retries an attempt whose hook failed and completes on the next one', async () => {
    // The validate hook fails the first time on each instance (marker in the agent's folder).
    const release = fleet.pkg.addPackage(
      'v1.2.0',
      { 'app.txt': '1.2.0' },
      {
        hooks: {
          validate: { command: 'if [ -f ../../validated-once ]; then echo "validate ok"; else touch ../../validated-once; echo "not yet" >&2; exit 3; fi' },
        },
      },
    );
    await fleet.rt.call('POST', '/v1/deploy/execute', {
      body: {
        service: 'user-service',
        version: 'v1.2.0',
        instances: [fleet.ids[0]],
        package_url: release.url,
        deploy_id: 'deploy-retry-1',
        retry_count: 2,
        timeout: 30,
      },
    });
    const status = await untilEnded(fleet.rt, '/v1/deploy/status/deploy-retry-1');
    expect(status.status).toBe('completed');
    expect(status.instances[0]).toMatchObject({ status: 'completed', attempts: 2, current_version: 'v1.2.0' });
    expect(fleet.agents[0]?.currentVersion()).toBe('v1.2.0');
  });

  it('fails the instance with the hook output once retries are exhausted', async () => {
    const release = fleet.pkg.addPackage('v1.3.0', { 'app.txt': '1.3.0' }, { hooks: { validate: { command: 'echo "health check failed: 503" >&2; exit 7' } } });
    await fleet.rt.call('POST', '/v1/deploy/execute', {
      body: {
        service: 'user-service',
        version: 'v1.3.0',
        instances: [fleet.ids[1]],
        package_url: release.url,
        deploy_id: 'deploy-fail-1',
        retry_count: 1,
        timeout: 30,
      },
    });
    const status = await untilEnded(fleet.rt, '/v1/deploy/status/deploy-fail-1');
    expect(status).toMatchObject({ status: 'failed', progress: { total: 1, completed: 0, failed: 1 } });
    expect(status.instances[0]).toMatchObject({ status: 'failed', attempts: 2, target_version: 'v1.3.0' });
    expect(status.instances[0].error_message).toContain('attempt 2 of 2');
    expect(status.instances[0].error_message).toContain('validate');
    expect(status.instances[0].output_tail).toContain('health check failed: 503');
    // The agent reverted: the instance still runs what it ran before.
    expect(fleet.agents[1]?.currentVersion()).toBe('v1.1.0');
    const history = await fleet.rt.call('GET', `/v1/instance/${fleet.ids[1]}/version-history?limit=1`);
    expect(history.body.data.history[0]).toMatchObject({ version: 'v1.3.0', deploy_id: 'deploy-fail-1', status: 'failed' });
  });
});

describe('stop_on_failure', () => {
  it('stops dispatching new instances after the first failure', async () => {
    const broken = fleet.pkg.addPackage('v1.6.0', { 'app.txt': '1.6.0' }, { hooks: { validate: { command: 'echo "broken build" >&2; exit 1' } } });
    await fleet.rt.call('POST', '/v1/deploy/execute', {
      body: {
        service: 'user-service',
        version: 'v1.6.0',
        instances: fleet.ids,
        package_url: broken.url,
        deploy_id: 'deploy-stop-1',
        max_concurrency: 1,
        stop_on_failure: true,
        retry_count: 0,
      },
    });
    const status = await untilEnded(fleet.rt, '/v1/deploy/status/deploy-stop-1');
    expect(status.status).toBe('failed');
    expect(status.progress).toMatchObject({ total: 3, failed: 1, completed: 0, cancelled: 2 });
    for (const row of status.instances.filter((r: { status: string }) => r.status === 'cancelled')) expect(row.error_message).toContain('stop_on_failure');
  });
});

describe('deploy_id idempotency and conflicts', () => {
  it('returns the existing deployment for the same id and body, and 40004 for another body', async () => {
    const release = fleet.pkg.addPackage('v1.4.0', { 'app.txt': '1.4.0' });
    const body = { service: 'user-service', version: 'v1.4.0', instances: [fleet.ids[2]], package_url: release.url, deploy_id: 'deploy-idem-1' };
    const first = await fleet.rt.call('POST', '/v1/deploy/execute', { body });
    const again = await fleet.rt.call('POST', '/v1/deploy/execute', { body });
    expect(again.status).toBe(200);
    expect(again.body.data.deploy_id).toBe('deploy-idem-1');
    expect(again.body.data.started_at).toBe(first.body.data.started_at);
    const other = await fleet.rt.call('POST', '/v1/deploy/execute', { body: { ...body, version: 'v1.1.0' } });
    expect(other.status).toBe(409);
    expect(other.body).toMatchObject({ code: 40004, data: null });
    await untilEnded(fleet.rt, '/v1/deploy/status/deploy-idem-1');
    const executions = await fleet.rt.call('GET', '/local/executions');
    expect(JSON.stringify(executions.body).match(/"deploy-idem-1"/g)).toHaveLength(1);
  });

  it('refuses a second operation on a busy instance with 409, unless a rollback forces it', async () => {
    const slow = fleet.pkg.addPackage('v1.5.0', { 'app.txt': '1.5.0' }, { hooks: { start: { command: 'sleep 3', timeout_seconds: 10 } } });
    await fleet.rt.call('POST', '/v1/deploy/execute', {
      body: { service: 'user-service', version: 'v1.5.0', instances: [fleet.ids[0]], package_url: slow.url, deploy_id: 'deploy-busy-1' },
    });
    const second = await fleet.rt.call('POST', '/v1/deploy/execute', {
      body: { service: 'user-service', version: 'v1.5.0', instances: [fleet.ids[0], fleet.ids[1]], package_url: slow.url, deploy_id: 'deploy-busy-2' },
    });
    expect(second.status).toBe(409);
    expect(second.body.code).toBe(40900);
    expect(second.body.message).toContain(`${fleet.ids[0]} is in deploy-busy-1`);
    expect((await fleet.rt.call('GET', '/v1/deploy/status/deploy-busy-2')).status).toBe(404);
    const refused = await fleet.rt.call('POST', '/v1/rollback/instance', { body: { instance_id: fleet.ids[0], target_version: 'v1.1.0' } });
    expect(refused.status).toBe(409);
    expect(refused.body.message).toContain('force');
    const rollback = await fleet.rt.call('POST', '/v1/rollback/instance', { body: { instance_id: fleet.ids[0], target_version: 'v1.1.0', force: true } });
    expect(rollback.status).toBe(200);
    await untilEnded(fleet.rt, '/v1/deploy/status/deploy-busy-1');
    const rolled = await untilEnded(fleet.rt, `/v1/rollback/status/${rollback.body.data.rollback_id}`);
    expect(rolled.status).toBe('completed');
    // The agent took the commands in order: the forced rollback ran last.
    expect(fleet.agents[0]?.currentVersion()).toBe('v1.1.0');
  });
});

describe('release-system errors', () => {
  it('answers the documented codes', async () => {
    const release = fleet.pkg.addPackage('v9.0.0', { 'a.txt': 'a' });
    const base = { service: 'user-service', version: 'v9.0.0', instances: [fleet.ids[0]], package_url: release.url, deploy_id: 'deploy-err' };
    expect((await fleet.rt.call('POST', '/v1/deploy/execute', { body: { ...base, service: 'nope' } })).body).toMatchObject({ code: 40001, data: null });
    const unknownInstance = await fleet.rt.call('POST', '/v1/deploy/execute', { body: { ...base, instances: ['ghost-1'] } });
    expect(unknownInstance.status).toBe(404);
    expect(unknownInstance.body).toMatchObject({ code: 40003 });
    fleet.pkg.makeMissing('v9.0.0');
    expect((await fleet.rt.call('POST', '/v1/deploy/execute', { body: base })).body.code).toBe(40002);
    const http = await fleet.rt.call('POST', '/v1/deploy/execute', { body: { ...base, package_url: 'http://packages.example.com/a.tar.gz' } });
    expect(http.status).toBe(400);
    expect(http.body).toMatchObject({ code: 40000 });
    expect(http.body.message).toContain('https');
    expect((await fleet.rt.call('POST', '/v1/deploy/execute', { body: { ...base, timeout: 'soon' } })).body.code).toBe(40000);
    expect((await fleet.rt.call('GET', '/v1/deploy/status/nope')).body).toMatchObject({ code: 40400, data: null });
    expect((await fleet.rt.call('POST', '/v1/rollback/cancel/nope')).status).toBe(404);
  });
});
