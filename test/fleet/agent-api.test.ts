import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PackageServer } from '../helpers/packages.js';
import { startPackageServer } from '../helpers/packages.js';
import type { TestRuntime } from '../helpers/runtime.js';
import { startTestRuntime } from '../helpers/runtime.js';
import { until, untilEnded } from './helpers.js';

/**
 * The deploy agent's routes driven by the test itself instead of an agent process, so each answer
 * goes through `call` and is checked against docs/openapi.json like every other route's.
 */
describe('the agent routes, as an agent calls them', () => {
  let rt: TestRuntime;
  let pkg: PackageServer;
  beforeAll(async () => {
    pkg = await startPackageServer();
    rt = await startTestRuntime({ packageCaFile: pkg.caFile, agentHeartbeatSeconds: 1 });
  });
  afterAll(async () => {
    await rt?.close();
    await pkg?.stop();
  });

  it('registers, heartbeats, takes a deploy command, acknowledges, reports progress and the result', async () => {
    const instance = { service: 'api-service', instance_id: 'api-1' };
    const registered = await rt.call('POST', '/v1/agent/register', { body: { ...instance, host: '10.0.0.1', port: 8080, version: 'v1.0.0' } });
    expect(registered.status, registered.text).toBe(200);
    expect(registered.body.data.heartbeat_interval_seconds).toBe(1);
    expect((await rt.call('POST', '/v1/agent/heartbeat', { body: { ...instance, version: 'v1.0.0' } })).status).toBe(200);
    const idle = await rt.call('GET', '/v1/agent/commands?service=api-service&instance_id=api-1&wait=0');
    expect(idle.body.data).toEqual({ commands: [] });

    const release = pkg.addPackage('v2.0.0', { 'app.txt': 'v2' });
    const started = await rt.call('POST', '/v1/deploy/execute', {
      body: { service: 'api-service', version: 'v2.0.0', instances: ['api-1'], package_url: release.url, deploy_id: 'agent-api-1', sha256: release.sha256 },
    });
    expect(started.status, started.text).toBe(200);
    const polled = await until(
      () => rt.call('GET', '/v1/agent/commands?service=api-service&instance_id=api-1&wait=0'),
      (r) => r.body?.data?.commands?.length > 0,
    );
    const command = polled.body.data.commands[0];
    expect(command).toMatchObject({ type: 'deploy', operation_id: 'agent-api-1', version: 'v2.0.0' });

    const base = `/v1/agent/commands/${command.command_id}`;
    expect((await rt.call('POST', `${base}/ack`)).status).toBe(200);
    expect((await rt.call('POST', `${base}/progress`, { body: { message: 'unpacking' } })).status).toBe(200);
    const done = await rt.call('POST', `${base}/result`, { body: { status: 'completed', version: 'v2.0.0', output_tail: 'ok' } });
    expect(done.status, done.text).toBe(200);
    expect(done.body.data).toEqual({});
    expect(await untilEnded(rt, '/v1/deploy/status/agent-api-1')).toMatchObject({ status: 'completed', progress: { total: 1, completed: 1 } });

    expect((await rt.call('POST', `${base}/result`, { body: { status: 'completed', version: 'v2.0.0' } })).status).toBe(410);
    expect((await rt.call('POST', '/v1/agent/heartbeat', { body: { service: 'api-service', instance_id: 'nobody' } })).status).toBe(404);
  });
});
