import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SpawnedAgent } from '../helpers/agents.js';
import type { PackageServer } from '../helpers/packages.js';
import { startPackageServer } from '../helpers/packages.js';
import type { TestRuntime } from '../helpers/runtime.js';
import { startTestRuntime } from '../helpers/runtime.js';
import { startFleet, untilEnded } from './helpers.js';

let rt: TestRuntime;
let pkg: PackageServer;
let agents: SpawnedAgent[] = [];
let ids: string[] = [];

beforeAll(async () => {
  pkg = await startPackageServer();
  rt = await startTestRuntime({ packageCaFile: pkg.caFile, agentHeartbeatSeconds: 1 });
  ({ agents, ids } = await startFleet(rt, pkg, 'user-service', 3));
});
afterAll(async () => {
  await Promise.all(agents.map((a) => a.dispose()));
  await rt.close();
  await pkg.stop();
});

describe('deploy to every instance', () => {
  it('runs the package on all instances through their agents and records it everywhere', async () => {
    const release = pkg.addPackage('v1.1.0', { 'app.txt': 'hello 1.1.0', 'start.sh': '#!/bin/sh\necho "starting $DEPLOY_VERSION"\n' }, { hooks: { start: { command: './start.sh', timeout_seconds: 10 }, validate: { command: 'test -f app.txt' } } });
    const started = await rt.call('POST', '/v1/deploy/execute', { body: { service: 'user-service', version: 'v1.1.0', instances: ids, package_url: release.url, deploy_id: 'deploy-all-1', sha256: release.sha256 } });
    expect(started.status, started.text).toBe(200);
    expect(started.body).toMatchObject({ code: 200, message: 'deployment started successfully', data: { deploy_id: 'deploy-all-1', service: 'user-service', version: 'v1.1.0', status: 'started', total_instances: 3 } });

    const status = await untilEnded(rt, '/v1/deploy/status/deploy-all-1');
    expect(status).toMatchObject({ status: 'completed', progress: { total: 3, completed: 3, failed: 0, pending: 0 } });
    for (const row of status.instances) expect(row).toMatchObject({ status: 'completed', current_version: 'v1.1.0', target_version: 'v1.1.0', error_message: null });
    expect(status.instances[0].output_tail).toContain('starting v1.1.0');
    for (const agent of agents) expect(agent.currentVersion()).toBe('v1.1.0');

    const versions = await rt.call('GET', '/v1/service/user-service/instances/versions');
    expect(versions.body.data).toMatchObject({ service: 'user-service', version_summary: { 'v1.1.0': 3 }, total_instances: 3 });
    const history = await rt.call('GET', `/v1/instance/${ids[0]}/version-history`);
    expect(history.body.data).toMatchObject({ instance_id: ids[0], service: 'user-service', total: 1 });
    expect(history.body.data.history[0]).toMatchObject({ version: 'v1.1.0', action: 'deploy', deploy_id: 'deploy-all-1', status: 'success' });
  });
});
