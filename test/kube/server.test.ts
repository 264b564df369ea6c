import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCluster, type TestCluster } from './cluster.js';
import { readWatch } from './watch-lines.js';

type Obj = {
  kind?: string;
  reason?: string;
  code?: number;
  metadata: Record<string, unknown> & { name: string; resourceVersion: string };
  [k: string]: unknown;
};

// REST semantics over HTTPS, trusting the simulator's own CA, as any client would.
describe('Kubernetes simulator REST API', () => {
  let cluster: TestCluster;
  const CM = '/api/v1/namespaces/default/configmaps';
  const DEPLOY = '/apis/apps/v1/namespaces/default/deployments';
  const call = async (method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<{ status: number; body: Obj }> => {
    const response = await cluster.api(path, { method, body: body === undefined ? undefined : JSON.stringify(body), headers: { 'Content-Type': contentType } });
    return { status: response.status, body: (await response.json()) as Obj };
  };
  const deployment = (name: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
    metadata: { name },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'web', image: 'nginx' }] } },
    },
    ...extra,
  });

  beforeAll(async () => {
    cluster = await startTestCluster({ watchHistory: 50 });
  });
  afterAll(async () => {
    await cluster.stop();
  });

  it('answers 401 Unauthorized without a valid bearer token, and serves /version and /healthz to anyone', async () => {
    const denied = await cluster.api(CM, { token: 'wrong' });
    expect(denied.status).toBe(401);
    expect(await denied.json()).toMatchObject({ kind: 'Status', reason: 'Unauthorized', code: 401 });
    expect(((await (await cluster.api('/version', { token: null })).json()) as { gitVersion: string }).gitVersion).toMatch(/^v1\.33\./);
    expect(await (await cluster.api('/healthz', { token: null })).text()).toBe('ok');
  });

  it('creates with generateName, stamps uid/creationTimestamp/generation, and answers 409 AlreadyExists on a duplicate', async () => {
    const created = await call('POST', CM, { metadata: { generateName: 'gen-' }, data: { a: '1' } });
    expect(created.status).toBe(201);
    expect(created.body.metadata).toMatchObject({
      name: expect.stringMatching(/^gen-\w{5}$/),
      uid: expect.any(String),
      creationTimestamp: expect.any(String),
      generation: 1,
    });
    const duplicate = await call('POST', CM, { metadata: { name: created.body.metadata.name } });
    expect([duplicate.status, duplicate.body.reason]).toEqual([409, 'AlreadyExists']);
  });

  it('answers 422 Invalid for a missing name or one that is not a DNS-1123 subdomain, and 404 NotFound for a missing object', async () => {
    expect((await call('POST', CM, { metadata: {} })).body).toMatchObject({ code: 422, reason: 'Invalid' });
    expect((await call('POST', CM, { metadata: { name: 'Bad_Name' } })).body).toMatchObject({ code: 422, reason: 'Invalid' });
    expect((await call('GET', `${CM}/nope`)).body).toMatchObject({ code: 404, reason: 'NotFound', details: { name: 'nope', kind: 'configmaps' } });
  });

  it('updates unconditionally without a resourceVersion and answers 409 Conflict for a stale one', async () => {
    const created = await call('POST', CM, { metadata: { name: 'upd' }, data: { a: '1' } });
    expect((await call('PUT', `${CM}/upd`, { metadata: { name: 'upd' }, data: { a: '2' } })).status).toBe(200);
    const stale = await call('PUT', `${CM}/upd`, { metadata: { name: 'upd', resourceVersion: created.body.metadata.resourceVersion }, data: { a: '3' } });
    expect([stale.status, stale.body.reason]).toEqual([409, 'Conflict']);
  });

  it('keeps status on a main-resource write, keeps spec on a /status write, and bumps generation only on spec change', async () => {
    // A ResourceQuota: a type with a status subresource that no simulated controller writes.
    const QUOTAS = '/api/v1/namespaces/default/resourcequotas';
    const quota = (extra: Record<string, unknown> = {}) => ({ metadata: { name: 'gen' }, spec: { hard: { pods: '1' } }, ...extra });
    await call('POST', QUOTAS, quota());
    const status = await call('PUT', `${QUOTAS}/gen/status`, { ...quota({ status: { used: { pods: '0' } } }), spec: { hard: { pods: '9' } } });
    expect([status.body.spec, status.body.status, status.body.metadata.generation]).toMatchObject([{ hard: { pods: '1' } }, { used: { pods: '0' } }, 1]);
    const labelled = await call(
      'PATCH',
      `${QUOTAS}/gen`,
      { metadata: { labels: { a: 'b' } }, status: { used: { pods: '5' } } },
      'application/merge-patch+json',
    );
    expect([labelled.body.metadata.generation, labelled.body.status]).toEqual([1, { used: { pods: '0' } }]);
    const raised = await call('PATCH', `${QUOTAS}/gen`, [{ op: 'replace', path: '/spec/hard/pods', value: '3' }], 'application/json-patch+json');
    expect([raised.body.metadata.generation, (raised.body.spec as { hard: { pods: string } }).hard.pods]).toEqual([2, '3']);
  });

  it('merges containers and env by name in a strategic merge patch, with $patch: delete', async () => {
    await call('POST', DEPLOY, deployment('smp'));
    const patch = {
      spec: {
        template: {
          spec: {
            containers: [
              { name: 'web', image: 'nginx:2', env: [{ name: 'A', value: '1' }] },
              { name: 'side', image: 'busybox' },
            ],
          },
        },
      },
    };
    await call('PATCH', `${DEPLOY}/smp`, patch, 'application/strategic-merge-patch+json');
    const removed = await call(
      'PATCH',
      `${DEPLOY}/smp`,
      { spec: { template: { spec: { containers: [{ name: 'side', $patch: 'delete' }] } } } },
      'application/strategic-merge-patch+json',
    );
    const containers = (removed.body.spec as { template: { spec: { containers: unknown[] } } }).template.spec.containers;
    // The API server's container defaults (imagePullPolicy, terminationMessagePath…) come along.
    expect(containers).toHaveLength(1);
    expect(containers).toMatchObject([{ name: 'web', image: 'nginx:2', env: [{ name: 'A', value: '1' }] }]);
  });

  it('server-side apply creates, prunes fields its manager dropped, and answers 409 Conflict when another manager owns a changed field unless forced', async () => {
    const apply = (manager: string, data: Record<string, string>, force = false): Promise<{ status: number; body: Obj }> =>
      call(
        'PATCH',
        `${CM}/ssa?fieldManager=${manager}&force=${force}`,
        { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'ssa' }, data },
        'application/apply-patch+yaml',
      );
    expect((await apply('helm', { a: '1', b: '2' })).status).toBe(201);
    expect((await apply('helm', { a: '1' })).body.data).toEqual({ a: '1' });
    const conflict = await apply('other', { a: 'changed' });
    expect([conflict.status, conflict.body.reason]).toEqual([409, 'Conflict']);
    expect((await apply('other', { a: 'changed' }, true)).body.data).toEqual({ a: 'changed' });
  });

  it('garbage-collects dependents through ownerReferences on Background deletion and keeps them on Orphan', async () => {
    const owner = await call('POST', CM, { metadata: { name: 'owner' } });
    const ref = { apiVersion: 'v1', kind: 'ConfigMap', name: 'owner', uid: owner.body.metadata.uid };
    await call('POST', CM, { metadata: { name: 'dependent', ownerReferences: [ref] } });
    await call('DELETE', `${CM}/owner`, { propagationPolicy: 'Background' });
    expect((await call('GET', `${CM}/dependent`)).status).toBe(404);

    const owner2 = await call('POST', CM, { metadata: { name: 'owner2' } });
    await call('POST', CM, { metadata: { name: 'orphan', ownerReferences: [{ ...ref, name: 'owner2', uid: owner2.body.metadata.uid }] } });
    await call('DELETE', `${CM}/owner2?propagationPolicy=Orphan`);
    const orphan = await call('GET', `${CM}/orphan`);
    expect([orphan.status, orphan.body.metadata.ownerReferences]).toEqual([200, undefined]);
  });

  it('does not persist dryRun=All writes, and deletes a labelled collection', async () => {
    expect((await call('POST', `${CM}?dryRun=All`, { metadata: { name: 'dry' } })).status).toBe(201);
    expect((await call('GET', `${CM}/dry`)).status).toBe(404);
    await call('POST', CM, { metadata: { name: 'col-1', labels: { batch: 'x' } } });
    await call('POST', CM, { metadata: { name: 'col-2', labels: { batch: 'x' } } });
    await call('DELETE', `${CM}?labelSelector=batch%3Dx`);
    expect(((await call('GET', `${CM}?labelSelector=batch`)).body as unknown as { items: unknown[] }).items).toEqual([]);
  });

  it('selects by set-based labels and by metadata.name fields', async () => {
    await call('POST', CM, { metadata: { name: 'sel-a', labels: { tier: 'web' } } });
    await call('POST', CM, { metadata: { name: 'sel-b', labels: { tier: 'db' } } });
    const names = async (query: string): Promise<string[]> =>
      ((await call('GET', `${CM}?${query}`)).body as unknown as { items: Obj[] }).items.map((i) => i.metadata.name);
    expect(await names(`labelSelector=${encodeURIComponent('tier in (web,db),tier!=db')}`)).toEqual(['sel-a']);
    expect(await names(`labelSelector=${encodeURIComponent('tier notin (web)')}`)).toContain('sel-b');
    expect(await names('fieldSelector=metadata.name%3Dsel-b')).toEqual(['sel-b']);
  });

  it('resumes a watch from a resourceVersion, and answers an expired one with a 410 ERROR event', async () => {
    const start = (await call('POST', CM, { metadata: { name: 'w-1' } })).body.metadata.resourceVersion;
    await call('POST', CM, { metadata: { name: 'w-2' } });
    const resumed = await readWatch(await cluster.api(`${CM}?watch=true&resourceVersion=${start}`), (e) => e.length >= 1);
    expect(resumed.map((e) => [e.type, e.object.metadata.name])).toEqual([['ADDED', 'w-2']]);
    for (let i = 0; i < 60; i++) await call('PATCH', `${CM}/w-2`, { data: { i: String(i) } }, 'application/merge-patch+json');
    const expired = await readWatch(await cluster.api(`${CM}?watch=true&resourceVersion=${start}`), (e) => e.length >= 1);
    expect(expired[0]).toMatchObject({ type: 'ERROR', object: { kind: 'Status', code: 410, reason: 'Expired' } });
  });

  it('answers a watch-list request with every object, then the initial-events-end bookmark of the watched kind', async () => {
    const query = 'watch=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true&labelSelector=tier';
    const events = await readWatch(await cluster.api(`${CM}?${query}`), (e) => e.some((x) => x.type === 'BOOKMARK'));
    expect(events.map((e) => e.type)).toEqual(['ADDED', 'ADDED', 'BOOKMARK']);
    expect(events[2]?.object).toMatchObject({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { annotations: { 'k8s.io/initial-events-end': 'true' } } });
  });

  it('serves the types of a stored CRD with Established=True, and stops serving them when it is deleted', async () => {
    const crd = {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'widgets.example.com' },
      spec: {
        group: 'example.com',
        scope: 'Namespaced',
        names: { kind: 'Widget', plural: 'widgets' },
        versions: [{ name: 'v1', served: true, storage: true }],
      },
    };
    const stored = await call('POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', crd);
    expect((stored.body.status as { conditions: { type: string; status: string }[] }).conditions).toContainEqual(
      expect.objectContaining({ type: 'Established', status: 'True' }),
    );
    const widget = await call('POST', '/apis/example.com/v1/namespaces/default/widgets', { metadata: { name: 'w' }, spec: { size: 1 } });
    expect([widget.status, widget.body.kind]).toEqual([201, 'Widget']);
    expect(JSON.stringify((await call('GET', '/apis')).body)).toContain('example.com');
    await call('DELETE', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.example.com');
    expect((await call('GET', '/apis/example.com/v1/namespaces/default/widgets/w')).status).toBe(404);
  });
});
