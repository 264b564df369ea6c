import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestRuntime } from '../helpers/runtime.js';
import { startTestRuntime } from '../helpers/runtime.js';
import { createNamespace, kvPaths } from './helpers.js';

let rt: TestRuntime;
beforeAll(async () => {
  rt = await startTestRuntime();
});
afterAll(() => rt.close());

describe('apps', () => {
  it('creates an app as in the document and refuses a duplicate with 409', async () => {
    const created = await rt.call('POST', '/api/v1/envs/dev/apps', { body: { app_name: 'app123', description: '用户服务' } });
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({ code: 0, message: 'success', data: { app_name: 'app123', description: '用户服务' } });
    expect(created.body.data.create_time).toMatch(/Z$/);
    const again = await rt.call('POST', '/api/v1/envs/dev/apps', { body: { appName: 'app123' } });
    expect(again.status).toBe(409);
    expect(again.body).toEqual({ code: 409, message: 'app already exists: app123', data: null });
  });

  it('accepts appName and lower-cases the env', async () => {
    const created = await rt.call('POST', '/api/v1/envs/UAT/apps', { body: { appName: 'camel' } });
    expect(created.status).toBe(200);
    const read = await rt.call('GET', '/api/v1/envs/uat/apps/camel');
    expect(read.body.data).toMatchObject({ env: 'uat', app: { app_name: 'camel', description: '' } });
  });

  it('lists apps with page, size and a maintained total', async () => {
    for (const name of ['a1', 'a2', 'a3']) await rt.call('POST', '/api/v1/envs/list/apps', { body: { app_name: name } });
    const page = await rt.call('GET', '/api/v1/envs/list/apps?page=2&size=2');
    expect(page.body.data).toMatchObject({ env: 'list', total: 3, page: 2, size: 2 });
    expect(page.body.data.apps.map((a: { app_name: string }) => a.app_name)).toEqual(['a3']);
    const defaults = await rt.call('GET', '/api/v1/envs/list/apps');
    expect(defaults.body.data).toMatchObject({ page: 1, size: 20, total: 3 });
  });

  it('returns 400 for out-of-range page or size', async () => {
    for (const query of ['page=0', 'size=0', 'size=101', 'page=x']) {
      const reply = await rt.call('GET', `/api/v1/envs/dev/apps?${query}`);
      expect(reply.status, query).toBe(400);
      expect(reply.body.code).toBe(400);
    }
  });

  it('returns 404 naming the env, then the app', async () => {
    const env = await rt.call('GET', '/api/v1/envs/nowhere/apps');
    expect(env.status).toBe(404);
    expect(env.body.message).toBe('env not found: nowhere');
    const app = await rt.call('GET', '/api/v1/envs/dev/apps/missing');
    expect(app.body).toEqual({ code: 404, message: 'app not found: missing', data: null });
  });

  it('updates the description and the update_time only', async () => {
    const before = (await rt.call('POST', '/api/v1/envs/dev/apps', { body: { app_name: 'upd', description: 'old' } })).body.data;
    const updated = await rt.call('PUT', '/api/v1/envs/dev/apps/upd', { body: { description: '更新的用户服务' } });
    expect(updated.body.data).toMatchObject({ env: 'dev', app: { app_name: 'upd', description: '更新的用户服务', create_time: before.create_time } });
  });

  it('validates names: length and characters, naming the field', async () => {
    const long = await rt.call('POST', '/api/v1/envs/dev/apps', { body: { app_name: 'x'.repeat(65) } });
    expect(long.status).toBe(400);
    expect(long.body.message).toContain('app_name');
    const bad = await rt.call('POST', '/api/v1/envs/dev/apps', { body: { app_name: 'has space' } });
    expect(bad.status).toBe(400);
    const missing = await rt.call('POST', '/api/v1/envs/dev/apps', { body: { description: 'x' } });
    expect(missing.status).toBe(400);
  });

  it('refuses to delete an app with clusters unless forced, and force removes everything', async () => {
    const p = await createNamespace(rt, 'dev', 'doomed');
    await rt.call('POST', p.items, { body: { key: 'k', value: 'v' } });
    await rt.call('POST', p.releases, { body: { operator: 'op' } });
    const refused = await rt.call('DELETE', p.app);
    expect(refused.status).toBe(409);
    expect(refused.body.message).toContain('force=true');
    const forced = await rt.call('DELETE', `${p.app}?force=true`);
    expect(forced.body).toEqual({ code: 0, message: 'success', data: { env: 'dev', app_name: 'doomed' } });
    expect((await rt.call('GET', p.app)).status).toBe(404);
    // The same names again start empty: nothing of the old namespace shows through.
    const again = await createNamespace(rt, 'dev', 'doomed');
    expect((await rt.call('GET', again.items)).body.data).toMatchObject({ items: [], total: 0 });
    expect((await rt.call('GET', again.configs)).status).toBe(404);
    expect((await rt.call('GET', again.releases)).body.data.total).toBe(0);
  });
});

describe('clusters', () => {
  it('creates, lists, gets and deletes a cluster as in the document', async () => {
    await rt.call('POST', '/api/v1/envs/dev/apps', { body: { app_name: 'slimstor' } });
    const created = await rt.call('POST', '/api/v1/envs/dev/apps/slimstor/clusters', { body: { cluster_name: 'cluster-1', description: '开发环境主集群' } });
    expect(created.body.data).toMatchObject({ env: 'dev', cluster: { app_name: 'slimstor', cluster_name: 'cluster-1', description: '开发环境主集群' } });
    expect((await rt.call('POST', '/api/v1/envs/dev/apps/slimstor/clusters', { body: { cluster_name: 'cluster-1' } })).status).toBe(409);
    const list = await rt.call('GET', '/api/v1/envs/dev/apps/slimstor/clusters?page=1&size=10');
    expect(list.body.data).toMatchObject({ env: 'dev', total: 1, page: 1, size: 10 });
    expect(list.body.data.clusters[0].cluster_name).toBe('cluster-1');
    const got = await rt.call('GET', '/api/v1/envs/dev/apps/slimstor/clusters/cluster-1');
    expect(got.body.data.cluster.cluster_name).toBe('cluster-1');
    const deleted = await rt.call('DELETE', '/api/v1/envs/dev/apps/slimstor/clusters/cluster-1');
    expect(deleted.body.data).toEqual({ env: 'dev', app_name: 'slimstor', cluster_name: 'cluster-1' });
    expect((await rt.call('GET', '/api/v1/envs/dev/apps/slimstor/clusters')).body.data.total).toBe(0);
  });

  it('returns 404 naming the app for a cluster of an unknown app', async () => {
    const reply = await rt.call('POST', '/api/v1/envs/dev/apps/ghost/clusters', { body: { cluster_name: 'c' } });
    expect(reply.status).toBe(404);
    expect(reply.body.message).toBe('app not found: ghost');
    const get = await rt.call('GET', '/api/v1/envs/dev/apps/slimstor/clusters/ghost');
    expect(get.body.message).toBe('cluster not found: ghost');
  });

  it('refuses to delete a cluster with namespaces unless forced', async () => {
    const p = await createNamespace(rt, 'dev', 'clusterapp', 'c1', 'ns1');
    expect((await rt.call('DELETE', p.cluster)).status).toBe(409);
    expect((await rt.call('DELETE', `${p.cluster}?force=true`)).status).toBe(200);
    expect((await rt.call('GET', p.ns)).body.message).toBe('cluster not found: c1');
  });
});

describe('namespaces', () => {
  it('creates, lists, gets and deletes a namespace as in the document', async () => {
    const p = kvPaths('dev', 'nsapp', 'cluster-1', 'default');
    await rt.call('POST', p.apps, { body: { app_name: 'nsapp' } });
    await rt.call('POST', p.clusters, { body: { cluster_name: 'cluster-1' } });
    const created = await rt.call('POST', p.namespaces, { body: { namespace_name: 'default', description: 'This is the default namespace.' } });
    expect(created.body.data).toMatchObject({
      namespace: { namespace_name: 'default', description: 'This is the default namespace.', app_name: 'nsapp', cluster_name: 'cluster-1' },
    });
    expect((await rt.call('POST', p.namespaces, { body: { namespaceName: 'default' } })).status).toBe(409);
    const list = await rt.call('GET', `${p.namespaces}?page=1&size=10`);
    expect(list.body.data).toMatchObject({ total: 1 });
    expect(list.body.data.namespaces[0]).toMatchObject({ namespace_name: 'default', app_name: 'nsapp' });
    const got = await rt.call('GET', p.ns);
    expect(got.body.data).toMatchObject({
      env: 'dev',
      app_name: 'nsapp',
      cluster_name: 'cluster-1',
      namespace_name: 'default',
      description: 'This is the default namespace.',
    });
    const deleted = await rt.call('DELETE', p.ns);
    expect(deleted.body.data).toEqual({ namespace: { namespace_name: 'default', app_name: 'nsapp', cluster_name: 'cluster-1' } });
    expect((await rt.call('GET', p.ns)).body.message).toBe('namespace not found: default');
  });

  it('refuses to delete a namespace with items or releases unless forced', async () => {
    const p = await createNamespace(rt, 'dev', 'nsfull');
    await rt.call('POST', p.items, { body: { key: 'a', value: '1' } });
    const refused = await rt.call('DELETE', p.ns);
    expect(refused.status).toBe(409);
    expect(refused.body.message).toContain('1 items');
    await rt.call('DELETE', `${p.items}/a`);
    await rt.call('POST', p.releases, { body: { operator: 'op' } });
    expect((await rt.call('DELETE', p.ns)).status).toBe(409);
    expect((await rt.call('DELETE', `${p.ns}?force=true`)).status).toBe(200);
  });
});

describe('roles on the configuration center', () => {
  it('lets viewers read, operators write, and config-clients only fetch', async () => {
    const p = await createNamespace(rt, 'dev', 'roles');
    await rt.call('POST', p.items, { body: { key: 'k', value: 'v' } });
    await rt.call('POST', p.releases, { body: { operator: 'op' } });
    const token = async (role: string) => (await rt.call('POST', '/admin/users', { body: { name: `kv-${role}`, role } })).body.data.token as string;
    const [viewer, operator, client] = [await token('viewer'), await token('operator'), await token('config-client')];
    expect((await rt.call('GET', p.items, { token: viewer })).status).toBe(200);
    expect((await rt.call('POST', p.items, { token: viewer, body: { key: 'x', value: 'y' } })).status).toBe(403);
    expect((await rt.call('POST', p.items, { token: operator, body: { key: 'x', value: 'y' } })).status).toBe(200);
    expect((await rt.call('GET', p.configs, { token: client })).status).toBe(200);
    const denied = await rt.call('GET', p.items, { token: client });
    expect(denied.status).toBe(403);
    expect(denied.body).toMatchObject({ code: 403, data: null });
    expect((await rt.call('GET', p.configs, { token: null })).body).toMatchObject({ code: 401, data: null });
  });
});
