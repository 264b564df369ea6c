import { AppsV1Api } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HelmRuntime } from './helpers.js';
import { settled, startHelmRuntime, waitForApp } from './helpers.js';

let rt: HelmRuntime;
beforeAll(async () => {
  rt = await startHelmRuntime();
}, 120_000);
afterAll(async () => rt?.stop());

const path = '/v1/apps/podinfo?namespace=podinfo-ns';
const deployment = async () => (await rt.kube()).makeApiClient(AppsV1Api).readNamespacedDeployment({ name: 'podinfo', namespace: 'podinfo-ns' });

describe('/v1/apps', () => {
  it('installs the document body (3.1) and reaches active', async () => {
    const created = await rt.call('POST', '/v1/apps', {
      body: {
        name: 'podinfo',
        namespace: 'podinfo-ns',
        chart: 'myrepo/podinfo',
        version: '6.5.4',
        values: { service: { type: 'ClusterIP', nodePort: 31130 } },
      },
    });
    expect(created.status).toBe(201);
    expect(created.body.data).toMatchObject({ name: 'podinfo', namespace: 'podinfo-ns', chart: 'myrepo/podinfo', version: '6.5.4', status: 'installing' });
    const app = await waitForApp(rt, path, settled);
    expect(app).toMatchObject({ status: 'active', revision: 1, values: { service: { type: 'ClusterIP', nodePort: 31130 } } });
  });

  it('lists by namespace and across the cluster, and the app is visible in /v3 under the project of its namespace', async () => {
    expect((await rt.call('GET', '/v1/apps?namespace=podinfo-ns')).body.data.map((a: { name: string }) => a.name)).toEqual(['podinfo']);
    expect((await rt.call('GET', '/v1/apps?namespace=other')).body.data).toEqual([]);
    expect((await rt.call('GET', '/v1/apps')).body.data).toHaveLength(1);
    expect((await rt.call('GET', '/v3/projects/podinfo-ns/app/podinfo')).body.data.state).toBe('active');
  });

  it('upgrades with PUT (new version and values)', async () => {
    const put = await rt.call('PUT', '/v1/apps/podinfo', { body: { namespace: 'podinfo-ns', version: '6.5.5', values: { replicaCount: 3 } } });
    expect(put.status).toBe(202);
    const app = await waitForApp(rt, path, settled);
    expect(app).toMatchObject({ status: 'active', version: '6.5.5', revision: 2 });
    expect((await deployment()).spec?.replicas).toBe(3);
  });

  it('pauses (scales to zero, remembering the replicas) and resumes', async () => {
    expect((await rt.call('POST', '/v1/apps/podinfo/actions/pause', { body: { namespace: 'podinfo-ns' } })).status).toBe(202);
    const paused = await waitForApp(rt, path, settled);
    expect(paused).toMatchObject({ status: 'active', paused: true, message: 'paused: workloads scaled to zero (resume restores them)' });
    expect((await deployment()).spec?.replicas).toBe(0);
    expect((await rt.call('POST', '/v1/apps/podinfo/actions/resume', { body: { namespace: 'podinfo-ns' } })).status).toBe(202);
    const resumed = await waitForApp(rt, path, settled);
    expect(resumed).toMatchObject({ status: 'active', paused: false, pods: { ready: 3, total: 3 } });
    expect((await deployment()).spec?.replicas).toBe(3);
  });

  it('restarts the workloads with a rolling restart', async () => {
    expect((await rt.call('POST', '/v1/apps/podinfo/actions/restart', { body: { namespace: 'podinfo-ns' } })).status).toBe(202);
    await waitForApp(rt, path, settled);
    const annotations = (await deployment()).spec?.template.metadata?.annotations ?? {};
    expect(annotations['kubectl.kubernetes.io/restartedAt']).toMatch(/^\d{4}-\d\d-\d\dT/);
  });

  it('upgrades and rolls back through actions', async () => {
    expect((await rt.call('POST', '/v1/apps/podinfo/actions/upgrade', { body: { namespace: 'podinfo-ns', values: { replicaCount: 1 } } })).status).toBe(202);
    expect(await waitForApp(rt, path, settled)).toMatchObject({ status: 'active', revision: 3 });
    expect((await rt.call('POST', '/v1/apps/podinfo/actions/rollback', { body: { namespace: 'podinfo-ns' } })).status).toBe(202);
    expect(await waitForApp(rt, path, settled)).toMatchObject({ status: 'active', revision: 4, values: { replicaCount: 3 } });
  });

  it('keeps the revision history', async () => {
    const history = await rt.call('GET', '/v1/apps/podinfo/revisions?namespace=podinfo-ns');
    expect(history.body.data.map((o: { operation: string }) => o.operation)).toEqual([
      'rollback',
      'upgrade',
      'restart',
      'resume',
      'pause',
      'upgrade',
      'install',
    ]);
  });

  it('refuses an unknown action (400) and an unknown app (404)', async () => {
    expect((await rt.call('POST', '/v1/apps/podinfo/actions/explode', { body: {} })).status).toBe(400);
    expect((await rt.call('POST', '/v1/apps/nothing/actions/restart', { body: {} })).status).toBe(404);
    expect((await rt.call('GET', '/v1/apps/nothing')).status).toBe(404);
    expect((await rt.call('POST', '/v1/apps', { body: { name: 'x', namespace: 'x', chart: 'podinfo', version: '1' } })).status).toBe(400);
  });

  it('deletes: removing, then removed', async () => {
    const removing = await rt.call('DELETE', '/v1/apps/podinfo?namespace=podinfo-ns');
    expect(removing.status).toBe(202);
    expect(await waitForApp(rt, path, settled)).toMatchObject({ status: 'removed' });
    expect((await rt.call('GET', '/v1/apps')).body.data).toEqual([]);
  });
});
