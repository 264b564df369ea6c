import { AppsV1Api, CoreV1Api, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HelmRuntime } from './helpers.js';
import { settled, startHelmRuntime, waitForApp } from './helpers.js';

let rt: HelmRuntime;
beforeAll(async () => {
  rt = await startHelmRuntime();
}, 120_000);
afterAll(async () => rt?.stop());

// Only the document's example takes node port 31130: a second Service asking for it would be refused (422).
const install = (name: string, namespace: string, extra: Record<string, unknown> = {}) =>
  rt.call('POST', '/v3/projects/test-ns/app', {
    body: {
      name,
      projectId: 'test-ns',
      targetNamespace: namespace,
      externalId: 'catalog://?catalog=myrepo&template=podinfo&version=6.5.4',
      type: 'app',
      answers: name === 'podinfo' ? { 'service.nodePort': '31130', path: '/podinfo' } : { replicaCount: '2' },
      ...extra,
    },
  });
const appPath = (name: string, namespace: string) => `/v3/projects/test-ns/app/${name}?targetNamespace=${namespace}`;

describe('the document examples (helm-proxy.md, examples 1–3)', () => {
  it('installs podinfo: installing at once, then active with every resource ready', async () => {
    const created = await install('podinfo', 'podinfo-ns');
    expect(created.status).toBe(201);
    expect(created.body.data).toMatchObject({
      id: 'test-ns:podinfo',
      baseType: 'app',
      type: 'app',
      name: 'podinfo',
      state: 'installing',
      targetNamespace: 'podinfo-ns',
      externalId: 'catalog://?catalog=myrepo&template=podinfo&version=6.5.4',
      projectId: 'test-ns',
      transitioning: 'yes',
      transitioningMessage: 'Installing application asynchronously',
      actionLinks: {
        rollback: '/v3/project/test-ns/apps/test-ns:podinfo?action=rollback',
        upgrade: '/v3/project/test-ns/apps/test-ns:podinfo?action=upgrade',
      },
    });
    const app = await waitForApp(rt, appPath('podinfo', 'podinfo-ns'), settled);
    expect(app).toMatchObject({ state: 'active', transitioning: 'no', revision: 1, pods: { ready: 1, total: 1 } });
    expect(app.resources).toEqual([
      { kind: 'Secret', name: 'podinfo', namespace: 'podinfo-ns', ready: true, message: 'applied' },
      { kind: 'Service', name: 'podinfo', namespace: 'podinfo-ns', ready: true, message: 'ready' },
      { kind: 'Deployment', name: 'podinfo', namespace: 'podinfo-ns', ready: true, message: '1/1 replicas available' },
    ]);
    const service = await (await rt.kube()).makeApiClient(CoreV1Api).readNamespacedService({ name: 'podinfo', namespace: 'podinfo-ns' });
    expect(service.spec).toMatchObject({ type: 'NodePort', ports: [expect.objectContaining({ nodePort: 31130 })] });
  });

  it('lists the app with the pagination block', async () => {
    const list = await rt.call('GET', '/v3/projects/test-ns/app');
    expect(list.body).toEqual({
      success: true,
      data: [{ id: 'test-ns:podinfo', name: 'podinfo', state: 'active', targetNamespace: 'podinfo-ns' }],
      pagination: { page: 1, page_size: 10, total: 1, total_page: 1 },
    });
  });

  it('upgrades with answers only (example 3): a new revision with the answer merged over the old ones', async () => {
    const upgrade = await rt.call('POST', '/v3/projects/test-ns/app/podinfo?action=upgrade', { body: { answers: { 'image.tag': '6.5.5' } } });
    expect(upgrade.status).toBe(202);
    expect(upgrade.body.data).toMatchObject({ state: 'upgrading', transitioning: 'yes' });
    const app = await waitForApp(rt, appPath('podinfo', 'podinfo-ns'), settled);
    expect(app).toMatchObject({ state: 'active', revision: 2, answers: { 'service.nodePort': '31130', path: '/podinfo', 'image.tag': '6.5.5' } });
    const deployment = await (await rt.kube()).makeApiClient(AppsV1Api).readNamespacedDeployment({ name: 'podinfo', namespace: 'podinfo-ns' });
    expect(deployment.spec?.template.spec?.containers[0]?.image).toBe('ghcr.io/stefanprodan/podinfo:6.5.5');
  });

  it('upgrades to chart 6.5.5 with the document body (answers and externalId)', async () => {
    const upgrade = await rt.call('POST', '/v3/projects/test-ns/app/podinfo?action=upgrade', {
      body: { answers: { 'image.tag': '6.5.5' }, externalId: 'catalog://?catalog=myrepo&template=podinfo&version=6.5.5' },
    });
    expect(upgrade.status).toBe(202);
    const app = await waitForApp(rt, appPath('podinfo', 'podinfo-ns'), settled);
    expect(app).toMatchObject({ state: 'active', revision: 3, externalId: 'catalog://?catalog=myrepo&template=podinfo&version=6.5.5' });
  });
});

describe('rollback and revisions', () => {
  it('rolls back to the previous revision through the actionLinks URL, restoring its chart version', async () => {
    const before = await rt.call('GET', appPath('podinfo', 'podinfo-ns'));
    const rollback = await rt.call('POST', before.body.data.actionLinks.rollback, { body: {} });
    expect(rollback.status).toBe(202);
    const app = await waitForApp(rt, appPath('podinfo', 'podinfo-ns'), settled);
    expect(app).toMatchObject({ state: 'active', revision: 4, externalId: 'catalog://?catalog=myrepo&template=podinfo&version=6.5.4' });
  });

  it('rolls back to a named revision (revisionId)', async () => {
    const rollback = await rt.call('POST', '/v3/projects/test-ns/app/podinfo?action=rollback', { body: { revisionId: '1' } });
    expect(rollback.status).toBe(202);
    const app = await waitForApp(rt, appPath('podinfo', 'podinfo-ns'), settled);
    expect(app).toMatchObject({ state: 'active', revision: 5 });
    expect(app.answers['image.tag']).toBeUndefined();
  });

  it('refuses a revision that does not exist, recording why', async () => {
    await rt.call('POST', '/v3/projects/test-ns/app/podinfo?action=rollback', { body: { revisionId: '99' } });
    const app = await waitForApp(rt, appPath('podinfo', 'podinfo-ns'), settled);
    expect(app.state).toBe('error');
    expect(app.transitioningMessage).toContain('revision 99 of podinfo-ns/podinfo does not exist');
  });

  it('lists every operation with who, when, the revision and what changed', async () => {
    const history = await rt.call('GET', '/v3/project/test-ns/apps/test-ns:podinfo/revisions');
    const ops = history.body.data as Record<string, any>[];
    expect(ops.map((o) => [o.operation, o.revision, o.status])).toEqual([
      ['rollback', null, 'failed'],
      ['rollback', 5, 'succeeded'],
      ['rollback', 4, 'succeeded'],
      ['upgrade', 3, 'succeeded'],
      ['upgrade', 2, 'succeeded'],
      ['install', 1, 'succeeded'],
    ]);
    expect(ops[3]).toMatchObject({ version: '6.5.5', changes: ['version 6.5.4 → 6.5.5'], who: expect.any(String), started: expect.any(String) });
    expect(ops[4]?.changes).toEqual(['answer image.tag added']);
  });
});

describe('status that tells the truth', () => {
  it('ends an install whose image cannot be pulled in error, naming the pod and the reason', async () => {
    const created = await install('broken', 'broken-ns', { answers: { 'image.repository': 'registry.invalid/podinfo' } });
    expect(created.status).toBe(201);
    const app = await waitForApp(rt, appPath('broken', 'broken-ns'), settled);
    expect(app.state).toBe('error');
    expect(app.transitioning).toBe('error');
    expect(app.transitioningMessage).toMatch(
      /^Deployment broken-ns\/broken-podinfo: pod broken-podinfo-[a-z0-9]+-[a-z0-9]+ ImagePullBackOff: registry\.invalid\/podinfo:6\.5\.4$/,
    );
    expect(app.resources).toContainEqual(expect.objectContaining({ kind: 'Deployment', name: 'broken-podinfo', ready: false }));
  });

  it('ends a crash-looping upgrade in error', async () => {
    await install('crashy', 'crashy-ns');
    await waitForApp(rt, appPath('crashy', 'crashy-ns'), settled);
    await rt.call('POST', '/v3/projects/test-ns/app/crashy?action=upgrade', { body: { answers: { 'image.tag': 'crashloop' } } });
    const app = await waitForApp(rt, appPath('crashy', 'crashy-ns'), settled);
    expect(app.state).toBe('error');
    expect(app.transitioningMessage).toMatch(/^Deployment crashy-ns\/crashy-podinfo: pod \S+ CrashLoopBackOff: container podinfo restarted \d+ times/);
  });

  it('reads error when an active app breaks afterwards, and active again once it heals', async () => {
    await install('later', 'later-ns');
    await waitForApp(rt, appPath('later', 'later-ns'), settled);
    const apps = (await rt.kube()).makeApiClient(AppsV1Api);
    const patch = (image: string) =>
      apps.patchNamespacedDeployment(
        { name: 'later-podinfo', namespace: 'later-ns', body: { spec: { template: { spec: { containers: [{ name: 'podinfo', image }] } } } } },
        setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch),
      );
    await patch('registry.invalid/podinfo:6.5.4');
    const broken = await waitForApp(rt, appPath('later', 'later-ns'), (d) => d.state === 'error');
    expect(broken.transitioningMessage).toMatch(/^Deployment later-ns\/later-podinfo: pod \S+ ImagePullBackOff: registry\.invalid\/podinfo:6\.5\.4$/);
    await patch('ghcr.io/stefanprodan/podinfo:6.5.4');
    await waitForApp(rt, appPath('later', 'later-ns'), (d) => d.state === 'active');
  });

  it('reads error when the release is removed outside the API', async () => {
    await (await rt.kube()).makeApiClient(CoreV1Api).deleteCollectionNamespacedSecret({ namespace: 'later-ns', labelSelector: 'owner=helm,name=later' });
    const gone = await waitForApp(rt, appPath('later', 'later-ns'), (d) => d.state === 'error');
    expect(gone.transitioningMessage).toBe('release later-ns/later is not in the cluster (uninstalled outside this API?)');
  });

  it('recovers a release left pending-upgrade by a helm that died, and records the recovery', async () => {
    await install('stuck', 'stuck-ns');
    await waitForApp(rt, appPath('stuck', 'stuck-ns'), settled);
    // What a helm killed mid-upgrade leaves: its release record says pending-upgrade.
    const core = (await rt.kube()).makeApiClient(CoreV1Api);
    const secret = await core.readNamespacedSecret({ name: 'sh.helm.release.v1.stuck.v1', namespace: 'stuck-ns' });
    const release = JSON.parse(gunzipSync(Buffer.from(Buffer.from(secret.data?.release ?? '', 'base64').toString(), 'base64')).toString()) as {
      info: { status: string };
    };
    release.info.status = 'pending-upgrade';
    secret.data = { release: Buffer.from(gzipSync(JSON.stringify(release)).toString('base64')).toString('base64') };
    secret.metadata = { ...secret.metadata, labels: { ...secret.metadata?.labels, status: 'pending-upgrade' } };
    await core.replaceNamespacedSecret({ name: 'sh.helm.release.v1.stuck.v1', namespace: 'stuck-ns', body: secret });

    await rt.call('POST', '/v3/projects/test-ns/app/stuck?action=upgrade', { body: { answers: { 'image.tag': '6.5.5' } } });
    const app = await waitForApp(rt, appPath('stuck', 'stuck-ns'), settled);
    expect(app).toMatchObject({ state: 'active', revision: 2 });
    const history = await rt.call('GET', '/v3/projects/test-ns/app/stuck/revisions');
    expect(history.body.data[0].recovered).toBe('recovered release stuck-ns/stuck revision 1 from pending-upgrade: marked failed so that helm can proceed');
  });
});

describe('one operation at a time', () => {
  it('answers 409 to a second write while one is in flight, and treats the same request again as the same operation', async () => {
    await install('busy', 'busy-ns');
    await waitForApp(rt, appPath('busy', 'busy-ns'), settled);
    const body = { answers: { 'image.tag': '6.5.5' } };
    const first = await rt.call('POST', '/v3/projects/test-ns/app/busy?action=upgrade', { body });
    const again = await rt.call('POST', '/v3/projects/test-ns/app/busy?action=upgrade', { body });
    const other = await rt.call('POST', '/v3/projects/test-ns/app/busy?action=upgrade', { body: { answers: { 'image.tag': '6.5.6' } } });
    expect(first.status).toBe(202);
    expect(again.status).toBe(200);
    expect(other.status).toBe(409);
    expect(other.body).toMatchObject({ success: false, error: { code: 'conflict', message: expect.stringContaining('operation in flight') } });
    await waitForApp(rt, appPath('busy', 'busy-ns'), settled);
    const history = await rt.call('GET', '/v3/projects/test-ns/app/busy/revisions');
    expect(history.body.data.filter((o: { operation: string }) => o.operation === 'upgrade')).toHaveLength(1);
  });

  it('lets only one of two concurrent installs of the same name through', async () => {
    const [a, b] = await Promise.all([install('race', 'race-ns'), install('race', 'race-ns', { answers: { 'image.tag': '6.5.5' } })]);
    expect([a.status, b.status].sort()).toEqual([201, 409]);
    await waitForApp(rt, appPath('race', 'race-ns'), settled);
  });

  it('returns the app as it is for the same install again, without a second operation', async () => {
    const again = await install('race', 'race-ns', {});
    expect([200, 409]).toContain(again.status);
  });
});

describe('links and removal', () => {
  it('resolves every link of an answer', async () => {
    const app = (await rt.call('GET', appPath('podinfo', 'podinfo-ns'))).body.data;
    expect((await rt.call('GET', app.links.self)).body.data.id).toBe('test-ns:podinfo');
    expect((await rt.call('GET', app.links.revisions)).status).toBe(200);
    const upgrade = await rt.call('POST', app.actionLinks.upgrade, { body: { answers: { 'image.tag': '6.5.5' } } });
    expect(upgrade.status).toBe(202);
    await waitForApp(rt, appPath('podinfo', 'podinfo-ns'), settled);
  });

  it('deletes: removing, then removed; the list no longer shows it and the name can be installed again', async () => {
    const removing = await rt.call('DELETE', '/v3/projects/test-ns/app/podinfo');
    expect(removing.status).toBe(202);
    expect(removing.body.data).toMatchObject({ state: 'removing', transitioning: 'yes' });
    const app = await waitForApp(rt, appPath('podinfo', 'podinfo-ns'), settled);
    expect(app.state).toBe('removed');
    const list = await rt.call('GET', '/v3/projects/test-ns/app?page_size=100');
    expect(list.body.data.map((a: { name: string }) => a.name)).not.toContain('podinfo');
    expect((await install('podinfo', 'podinfo-ns')).status).toBe(201);
    await waitForApp(rt, appPath('podinfo', 'podinfo-ns'), settled);
  });
});

describe('bad requests', () => {
  it('answers 400 for a malformed externalId, an unknown repository, a bad name and a projectId that does not match', async () => {
    const bad = await install('x1', 'x1-ns', { externalId: 'helm://podinfo' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('catalog://?catalog=<repository>&template=<chart>&version=<version>');
    const unknown = await install('x2', 'x2-ns', { externalId: 'catalog://?catalog=nope&template=podinfo&version=1.0.0' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.message).toContain('nope');
    expect((await install('Bad_Name', 'x3-ns')).status).toBe(400);
    expect((await install('x4', 'x4-ns', { projectId: 'other' })).status).toBe(400);
  });

  it('answers 404 for an unknown app and an appId of another project', async () => {
    expect((await rt.call('GET', '/v3/projects/test-ns/app/nothing')).status).toBe(404);
    expect((await rt.call('GET', '/v3/project/test-ns/apps/other:podinfo')).status).toBe(404);
    expect((await rt.call('POST', '/v3/projects/test-ns/app/nothing?action=upgrade', { body: {} })).status).toBe(404);
  });

  it('answers 400 for an unknown action', async () => {
    const reply = await rt.call('POST', '/v3/projects/test-ns/app/podinfo?action=explode', { body: {} });
    expect(reply.status).toBe(400);
  });
});
