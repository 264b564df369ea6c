import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Reply, TestRuntime } from '../helpers/runtime.js';
import { startTestRuntime } from '../helpers/runtime.js';
import { createNamespace } from './helpers.js';

let rt: TestRuntime;
let clientToken: string;
beforeAll(async () => {
  rt = await startTestRuntime();
  clientToken = (await rt.call('POST', '/admin/users', { body: { name: 'gray-client', role: 'config-client' } })).body.data.token;
});
afterAll(() => rt.close());

type Paths = Awaited<ReturnType<typeof createNamespace>>;
const grayOf = (p: Paths) => ({ gray: `${p.ns}/gray`, items: `${p.ns}/gray/items`, releases: `${p.ns}/gray/releases`, merge: `${p.ns}/gray/merge` });

/** A call that must succeed: its `data`. */
async function ok(method: string, path: string, body?: unknown): Promise<any> {
  const reply = await rt.call(method, path, body === undefined ? {} : { body });
  if (reply.status !== 200) throw new Error(`${method} ${path}: ${reply.status} ${reply.text}`);
  return reply.body.data;
}

/** A namespace with main items a=1, b=2 released, and a gray release open with `rules`. */
async function released(app: string, rules: { ips?: string[]; labels?: string[] } = { ips: ['10.0.0.1'], labels: ['canary'] }) {
  const p = await createNamespace(rt, 'dev', app);
  await ok('POST', p.items, { key: 'a', value: '1' });
  await ok('POST', p.items, { key: 'b', value: '2' });
  const main = (await ok('POST', p.releases, { operator: 'op' })).release_id as string;
  await ok('POST', grayOf(p).gray, rules);
  return { p, g: grayOf(p), main };
}

/** What a client is served: `configs` with its ip/label parameters, as a config-client. */
async function configs(p: Paths, query: string): Promise<Reply> {
  return rt.call('GET', `${p.configs}?size=500&${query}`, { token: clientToken });
}

function poll(p: Paths, query: string, timeout = 30): Promise<Reply> {
  return rt.call('GET', `${p.notifications}?timeout=${timeout}&${query}`, { token: clientToken });
}

/** Lets long polls sent just before reach their wait (a publish before that is answered at once anyway). */
const settle = () => new Promise((r) => setTimeout(r, 300));

describe('gray releases: serving', () => {
  it('serves the gray release to clients matching by ip or by label, and the main release to the rest', async () => {
    const { p, g, main } = await released('serve');
    await ok('POST', g.items, { key: 'a', value: 'gray-a' });
    await ok('POST', g.items, { key: 'c', value: '3' });
    await ok('POST', g.items, { key: 'b', deleted: true });
    const gray = await ok('POST', g.releases, { operator: 'alice', comment: 'canary a' });
    expect(gray).toMatchObject({ env: 'dev', namespace_name: 'application', operator: 'alice', comment: 'canary a', item_count: 2, base_release_id: main });
    expect(gray.release_id).not.toBe(main);

    for (const query of ['ip=10.0.0.1', 'label=canary', 'label=stable,canary', 'label=%20canary%20', 'ip=10.0.0.9&label=canary']) {
      const reply = await configs(p, query);
      expect(reply.status, query).toBe(200);
      expect(reply.body.data, query).toMatchObject({ releaseKey: gray.release_id, comment: 'canary a', total: 2, items: { a: 'gray-a', c: '3' } });
    }
    for (const query of ['ip=10.0.0.2', 'label=stable', 'label=canary2', 'ip=10.0.0.2&label=stable,beta', '']) {
      const reply = await configs(p, query);
      expect(reply.body.data, query).toMatchObject({ releaseKey: main, total: 2, items: { a: '1', b: '2' } });
    }
  });

  it('gives a gray client the changes since its main key, and a main client the changes since a gray key', async () => {
    const { p, g, main } = await released('changes');
    await ok('POST', g.items, { key: 'a', value: 'gray-a' });
    await ok('POST', g.items, { key: 'c', value: '3' });
    await ok('POST', g.items, { key: 'b', deleted: true });
    const gray = (await ok('POST', g.releases, { operator: 'op' })).release_id;
    const toGray = await configs(p, `ip=10.0.0.1&releaseKey=${main}`);
    expect(toGray.body.data.changes).toEqual({ updates: ['a'], adds: ['c'], deletes: ['b'] });
    const toMain = await configs(p, `ip=10.0.0.2&releaseKey=${gray}`);
    expect(toMain.body.data.changes).toEqual({ updates: ['a'], adds: ['b'], deletes: ['c'] });
    expect((await configs(p, `label=canary&releaseKey=${gray}`)).body.data.changes).toEqual({ updates: [], adds: [], deletes: [] });
  });

  it("matches the caller's source address when the client sends no ip", async () => {
    const { p, g, main } = await released('source', { ips: ['127.0.0.1'] });
    await ok('POST', g.items, { key: 'a', value: 'local' });
    const gray = (await ok('POST', g.releases, { operator: 'op' })).release_id;
    expect((await configs(p, '')).body.data).toMatchObject({ releaseKey: gray, items: { a: 'local' } });
    // An explicit ip wins over the source address.
    expect((await configs(p, 'ip=10.0.0.2')).body.data.releaseKey).toBe(main);
    expect((await poll(p, `releaseKey=${main}`)).body.data).toEqual({ releaseKey: gray });
  });

  it('serves the main release to everyone while the gray release is not published', async () => {
    const { p, g, main } = await released('unpublished');
    await ok('POST', g.items, { key: 'a', value: 'gray-a' });
    expect((await configs(p, 'ip=10.0.0.1')).body.data).toMatchObject({ releaseKey: main, items: { a: '1' } });
    expect((await ok('GET', g.gray)).release).toBeNull();
  });

  it('re-bases the gray release on each main release, keeping the gray items over it', async () => {
    const { p, g } = await released('rebase');
    await ok('POST', g.items, { key: 'a', value: 'gray-a' });
    const first = (await ok('POST', g.releases, { operator: 'op', release_name: 'canary-1' })).release_id;
    await ok('POST', p.items, { key: 'a', value: 'main-a' });
    await ok('POST', p.items, { key: 'd', value: '4' });
    const main2 = (await ok('POST', p.releases, { operator: 'op' })).release_id;
    const state = await ok('GET', g.gray);
    expect(state.release).toMatchObject({ release_name: 'canary-1', base_release_id: main2, item_count: 3 });
    expect(state.release.release_id).not.toBe(first);
    const served = await configs(p, `ip=10.0.0.1&releaseKey=${first}`);
    expect(served.body.data).toMatchObject({ releaseKey: state.release.release_id, items: { a: 'gray-a', b: '2', d: '4' } });
    expect(served.body.data.changes).toEqual({ updates: [], adds: ['d'], deletes: [] });
    expect((await configs(p, 'ip=10.0.0.2')).body.data).toMatchObject({ releaseKey: main2, items: { a: 'main-a', b: '2', d: '4' } });
  });

  it('moves clients between main and gray when the rules change, without a publish', async () => {
    const { p, g, main } = await released('rules', { labels: ['canary'] });
    await ok('POST', g.items, { key: 'a', value: 'gray-a' });
    const gray = (await ok('POST', g.releases, { operator: 'op' })).release_id;
    const waiting = poll(p, `ip=10.0.0.7&releaseKey=${main}`);
    await settle();
    const updated = await ok('PUT', g.gray, { ips: ['10.0.0.7', '::FFFF:10.0.0.8'] });
    expect(updated.rules).toEqual({ ips: ['10.0.0.7', '10.0.0.8'], labels: [] });
    expect((await waiting).body.data).toEqual({ releaseKey: gray });
    expect((await configs(p, 'ip=10.0.0.8')).body.data.releaseKey).toBe(gray);
    expect((await configs(p, 'label=canary')).body.data.releaseKey).toBe(main);
  });
});

describe('gray releases: long poll', () => {
  it('wakes a matching client on a gray publish and leaves a non-matching one waiting', async () => {
    const { p, g, main } = await released('poll');
    const matching = poll(p, `ip=10.0.0.1&releaseKey=${main}`);
    const byLabel = poll(p, `label=x,canary&releaseKey=${main}`);
    const other = poll(p, `ip=10.0.0.2&label=stable&releaseKey=${main}`, 3);
    await settle();
    await ok('POST', g.items, { key: 'a', value: 'gray-a' });
    const gray = (await ok('POST', g.releases, { operator: 'op' })).release_id;
    expect((await matching).body).toEqual({ code: 0, message: 'success', data: { releaseKey: gray } });
    expect((await byLabel).body.data).toEqual({ releaseKey: gray });
    const quiet = await other;
    expect(quiet.status).toBe(408);
    expect(quiet.body).toEqual({ code: 408, message: 'timeout', data: null });
  });

  it('wakes a gray client when a main publish re-bases its gray release', async () => {
    const { p, g } = await released('poll-rebase');
    await ok('POST', g.items, { key: 'a', value: 'gray-a' });
    const gray = (await ok('POST', g.releases, { operator: 'op' })).release_id;
    const waiting = poll(p, `ip=10.0.0.1&releaseKey=${gray}`);
    await settle();
    await ok('POST', p.items, { key: 'z', value: 'new' });
    await ok('POST', p.releases, { operator: 'op' });
    const rebased = (await ok('GET', g.gray)).release.release_id;
    expect((await waiting).body.data).toEqual({ releaseKey: rebased });
  });
});

describe('gray releases: merge and abandon', () => {
  it('merges the gray items into the main items, publishes them and moves gray clients to the new main key', async () => {
    const { p, g } = await released('merge');
    await ok('POST', g.items, { key: 'a', value: 'gray-a' });
    await ok('POST', g.items, { key: 'big', value: 'x'.repeat(5000) });
    await ok('POST', g.items, { key: 'b', deleted: true });
    const gray = (await ok('POST', g.releases, { operator: 'op' })).release_id;
    expect((await configs(p, 'ip=10.0.0.1')).body.data.items).toEqual({ a: 'gray-a', big: 'x'.repeat(5000) });
    expect(await ok('GET', `${g.items}/big`)).toMatchObject({ key: 'big', value: 'x'.repeat(5000), deleted: false });
    const waiting = poll(p, `ip=10.0.0.1&releaseKey=${gray}`);
    await settle();
    const merged = await ok('POST', g.merge, { operator: 'bob', comment: 'canary went well' });
    expect(merged).toMatchObject({ env: 'dev', namespace_name: 'application' });
    expect((await waiting).body.data).toEqual({ releaseKey: merged.release_id });
    for (const query of ['ip=10.0.0.1', 'ip=10.0.0.2']) {
      const reply = await configs(p, query);
      expect(reply.body.data).toMatchObject({
        releaseKey: merged.release_id,
        comment: 'canary went well',
        total: 2,
        items: { a: 'gray-a', big: 'x'.repeat(5000) },
      });
    }
    const items = await ok('GET', p.items);
    expect(items.items.map((i: { key: string }) => i.key)).toEqual(['a', 'big']);
    const missing = await rt.call('GET', g.gray);
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ code: 404, data: null, message: expect.stringContaining('gray release not found') });
    // A new gray release starts empty.
    await ok('POST', g.gray, { labels: ['canary'] });
    expect(await ok('GET', g.items)).toMatchObject({ items: [], total: 0 });
  });

  it('abandons the gray release: gray clients move back to the main key and the main items are untouched', async () => {
    const { p, g, main } = await released('abandon');
    await ok('POST', g.items, { key: 'a', value: 'gray-a' });
    const gray = (await ok('POST', g.releases, { operator: 'op' })).release_id;
    const waiting = poll(p, `label=canary&releaseKey=${gray}`);
    await settle();
    const abandoned = await ok('DELETE', g.gray);
    expect(abandoned).toMatchObject({ namespace_name: 'application', releaseKey: main });
    expect((await waiting).body.data).toEqual({ releaseKey: main });
    const reply = await configs(p, `label=canary&releaseKey=${gray}`);
    expect(reply.body.data).toMatchObject({ releaseKey: main, items: { a: '1', b: '2' }, changes: { updates: ['a'], adds: [], deletes: [] } });
    expect((await ok('GET', `${p.items}/a`)).value).toBe('1');
    expect((await rt.call('GET', `${g.items}/a`)).status).toBe(404);
  });

  it('records every step in the history', async () => {
    const { p, g } = await released('history');
    await ok('POST', g.items, { key: 'a', value: 'gray-a' });
    await ok('POST', g.items, { key: 'c', value: '3' });
    await ok('DELETE', `${g.items}/c`);
    await ok('PUT', g.gray, { ips: ['10.0.0.3'] });
    await ok('POST', g.releases, { operator: 'alice' });
    await ok('POST', p.releases, { operator: 'carol' });
    await ok('POST', g.merge, { operator: 'bob' });
    await ok('POST', g.gray, { labels: ['x'] });
    await ok('DELETE', g.gray);
    const history = await ok('GET', `${p.history}?size=100`);
    const actions = [...history.history].reverse().map((h: { action: string }) => h.action);
    expect(actions.filter((a: string) => a.startsWith('gray'))).toEqual([
      'gray_create',
      'gray_set',
      'gray_set',
      'gray_delete',
      'gray_rules',
      'gray_publish',
      'gray_rebase',
      'gray_merge',
      'gray_create',
      'gray_abandon',
    ]);
    expect(history.total).toBe(history.history.length);
    const rules = history.history.find((h: { action: string }) => h.action === 'gray_rules');
    expect(rules).toMatchObject({ ips: ['10.0.0.3'], labels: [], gray_id: expect.any(String) });
    expect(history.history.find((h: { action: string }) => h.action === 'gray_publish')).toMatchObject({ operator: 'alice', release_id: expect.any(String) });
    expect(history.history.find((h: { action: string }) => h.action === 'gray_merge')).toMatchObject({ operator: 'bob', release_id: expect.any(String) });
  });
});

describe('gray releases: what is refused', () => {
  it('answers 400, 404 and 409 in the kvconfig envelope', async () => {
    const p = await createNamespace(rt, 'dev', 'refused');
    const g = grayOf(p);
    const expectError = async (reply: Reply, status: number, text: string) => {
      expect(reply.status, reply.text).toBe(status);
      expect(reply.body).toMatchObject({ code: status, data: null, message: expect.stringContaining(text) });
    };
    await expectError(await rt.call('GET', g.gray), 404, 'gray release not found');
    await expectError(await rt.call('POST', g.items, { body: { key: 'a', value: '1' } }), 404, 'gray release not found');
    await expectError(await rt.call('POST', g.releases, { body: { operator: 'op' } }), 404, 'gray release not found');
    await expectError(await rt.call('POST', g.merge, { body: { operator: 'op' } }), 404, 'gray release not found');
    await expectError(await rt.call('DELETE', g.gray), 404, 'gray release not found');
    await expectError(await rt.call('PUT', g.gray, { body: { ips: [] } }), 404, 'gray release not found');
    await expectError(
      await rt.call('POST', '/api/v1/envs/dev/apps/refused/clusters/default/namespaces/nope/gray', { body: {} }),
      404,
      'namespace not found: nope',
    );

    await expectError(await rt.call('POST', g.gray, { body: { ips: ['10.0.0.300'] } }), 400, 'ips');
    await expectError(await rt.call('POST', g.gray, { body: { labels: ['has space'] } }), 400, 'labels');
    await expectError(await rt.call('POST', g.gray, { body: { ips: '10.0.0.1' } }), 400, 'ips');
    await expectError(await rt.call('POST', g.gray, { body: { ips: Array.from({ length: 101 }, (_, i) => `10.0.0.${i % 250}`) } }), 400, 'ips');
    await expectError(await rt.call('POST', g.gray, { body: { labels: Array.from({ length: 60 }, (_, i) => `label-${i}-${'x'.repeat(32)}`) } }), 400, 'bytes');
    await expectError(await rt.call('POST', g.gray, { rawBody: '{"ips":' }), 400, '');

    await ok('POST', g.gray, { ips: ['10.0.0.1'] });
    await expectError(await rt.call('POST', g.gray, { body: { labels: ['x'] } }), 409, 'gray release already exists');
    await expectError(await rt.call('POST', g.items, { body: { key: 'a', value: '1', deleted: true } }), 400, 'either a value');
    await expectError(await rt.call('POST', g.items, { body: { key: 'a' } }), 400, 'either a value');
    await expectError(await rt.call('POST', g.items, { body: { key: '', value: '1' } }), 400, 'key');
    await expectError(await rt.call('POST', g.items, { body: { key: 'a', value: 'x'.repeat(64 * 1024 + 1) } }), 400, '64 KiB');
    await expectError(await rt.call('GET', `${g.items}/nope`), 404, 'gray item not found: nope');
    await expectError(await rt.call('DELETE', `${g.items}/nope`), 404, 'gray item not found: nope');
    await expectError(await rt.call('POST', g.releases, { body: {} }), 400, 'operator');
    await expectError(await rt.call('GET', `${p.configs}?ip=not-an-ip`, { token: clientToken }), 400, 'ip');
    await expectError(await rt.call('GET', `${p.notifications}?releaseKey=x&ip=1.2.3`, { token: clientToken }), 400, 'ip');
    await expectError(await rt.call('POST', g.gray, { body: {}, token: clientToken }), 403, '');
    // A gray release holds the namespace like items and releases do.
    await expectError(await rt.call('DELETE', p.ns), 409, 'gray release');
    expect((await rt.call('DELETE', `${p.ns}?force=true`)).status).toBe(200);
  });

  it('serves a gray release of a namespace whose main release does not exist yet to matching clients only', async () => {
    const p = await createNamespace(rt, 'dev', 'firstgray');
    const g = grayOf(p);
    await ok('POST', g.gray, { labels: ['canary'] });
    await ok('POST', g.items, { key: 'a', value: 'first' });
    const gray = await ok('POST', g.releases, { operator: 'op' });
    expect(gray.base_release_id).toBeNull();
    expect((await configs(p, 'label=canary')).body.data).toMatchObject({ releaseKey: gray.release_id, items: { a: 'first' } });
    expect((await configs(p, 'label=other')).status).toBe(404);
    expect((await poll(p, 'label=canary&releaseKey=x')).body.data).toEqual({ releaseKey: gray.release_id });
  });
});

describe('gray releases: concurrent writers', () => {
  it('orders concurrent gray and main publishes so the gray release is always built on the latest main release', async () => {
    const { p, g } = await released('racers');
    await ok('POST', g.items, { key: 'a', value: 'gray-a' });
    const replies = await Promise.all(
      Array.from({ length: 12 }, (_, i) => rt.call('POST', i % 2 === 0 ? g.releases : p.releases, { body: { operator: `op${i}` } })),
    );
    for (const reply of replies) expect([200, 409], reply.text).toContain(reply.status);
    expect(replies.filter((r) => r.status === 200).length).toBeGreaterThan(0);
    const latestMain = (await configs(p, 'ip=10.0.0.2')).body.data.releaseKey;
    const state = await ok('GET', g.gray);
    expect(state.release.base_release_id).toBe(latestMain);
    const served = await configs(p, 'ip=10.0.0.1');
    expect(served.body.data).toMatchObject({ releaseKey: state.release.release_id, items: { a: 'gray-a', b: '2' } });
  });

  it('opens one gray release of two created at once', async () => {
    const p = await createNamespace(rt, 'dev', 'twocreates');
    const replies = await Promise.all([
      rt.call('POST', grayOf(p).gray, { body: { ips: ['10.0.0.1'] } }),
      rt.call('POST', grayOf(p).gray, { body: { labels: ['x'] } }),
    ]);
    expect(replies.map((r) => r.status).sort()).toEqual([200, 409]);
  });

  it('never loses a gray item set while a merge runs: it is merged, or refused with 404', async () => {
    const { p, g } = await released('merge-race');
    await ok('POST', g.items, { key: 'a', value: 'gray-a' });
    const sets = Array.from({ length: 10 }, (_, i) => rt.call('POST', g.items, { body: { key: `k${i}`, value: `v${i}` } }));
    const merge = rt.call('POST', g.merge, { body: { operator: 'op' } });
    const [merged, ...setReplies] = await Promise.all([merge, ...sets]);
    expect(merged?.status).toBe(200);
    const main = (await configs(p, 'ip=10.0.0.1')).body.data;
    expect(main.releaseKey).toBe(merged?.body.data.release_id);
    setReplies.forEach((reply, i) => {
      expect([200, 404], reply.text).toContain(reply.status);
      if (reply.status === 200) expect(main.items[`k${i}`]).toBe(`v${i}`);
      else expect(main.items[`k${i}`]).toBeUndefined();
    });
  });

  it('keeps the gray item count right when the same keys are set and deleted concurrently', async () => {
    const { g } = await released('item-race');
    await Promise.all(Array.from({ length: 20 }, (_, i) => rt.call('POST', g.items, { body: { key: `k${i % 5}`, value: `v${i}` } })));
    await Promise.all(Array.from({ length: 3 }, (_, i) => rt.call('DELETE', `${g.items}/k${i}`)));
    const state = await ok('GET', g.gray);
    const list = await ok('GET', g.items);
    expect(state.item_count).toBe(2);
    expect(list.total).toBe(2);
    expect(list.items.map((i: { key: string }) => i.key)).toEqual(['k3', 'k4']);
  });
});

/**
 * Writers of one process take turns (release-turns.ts); across Lambda containers the conditional
 * commits decide. A writer in another process that read the namespace before a commit here is
 * played by committing with that stale read: it must lose, and nothing of it may be served.
 */
describe('gray releases: a writer in another process', () => {
  const pathOf = (app: string) => ({ env: 'dev', app, cluster: 'default', namespace: 'application' });
  const stores = async () => ({
    gray: await import('../../functions/kvconfig/store/gray.js'),
    releases: await import('../../functions/kvconfig/store/releases.js'),
    hierarchy: await import('../../functions/kvconfig/store/hierarchy.js'),
    ids: await import('../../functions/kvconfig/release-id.js'),
  });
  const mainRecord = (ids: Awaited<ReturnType<typeof stores>>['ids'], seq: number) => ({
    seq,
    release_id: ids.makeReleaseId(seq, new Date()),
    release_name: 'stale',
    release_time: new Date().toISOString(),
    operator: 'other-process',
    comment: '',
    item_count: 0,
    chunk_count: 0,
  });

  it('makes a gray publish that missed another gray publish lose', async () => {
    const { p, g } = await released('stale-gray');
    const s = await stores();
    const stale = (await s.hierarchy.getNamespace(pathOf('stale-gray')))!;
    await ok('POST', g.items, { key: 'a', value: 'gray-a' });
    const won = (await ok('POST', g.releases, { operator: 'op' })).release_id;
    const record = {
      release_id: s.ids.makeGrayReleaseId(new Date()),
      release_name: 'stale',
      release_time: new Date().toISOString(),
      operator: 'other-process',
      comment: '',
      item_count: 0,
      chunk_count: 0,
      override_count: 0,
      override_chunk_count: 0,
      gray_id: stale.gray!.id,
    };
    const outcome = await s.gray.commitGrayRelease(
      pathOf('stale-gray'),
      stale.uid,
      { grayId: stale.gray!.id, previousId: undefined, mainSeq: stale.latest_seq },
      record,
    );
    expect(outcome).toBe('lost-race');
    expect((await ok('GET', g.gray)).release.release_id).toBe(won);
    expect((await configs(p, 'ip=10.0.0.1')).body.data.releaseKey).toBe(won);
  });

  it('makes a main publish that missed a gray publish lose, so no gray release stays on an older main release', async () => {
    const { p, g, main } = await released('stale-main');
    const s = await stores();
    const stale = (await s.hierarchy.getNamespace(pathOf('stale-main')))!;
    const gray = (await ok('POST', g.releases, { operator: 'op' })).release_id;
    const outcome = await s.releases.commitRelease(pathOf('stale-main'), stale.uid, stale.latest_seq, mainRecord(s.ids, stale.latest_seq + 1), 'publish', {
      kind: 'none',
    });
    expect(outcome).toBe('lost-race');
    expect((await configs(p, 'ip=10.0.0.2')).body.data.releaseKey).toBe(main);
    expect((await configs(p, 'ip=10.0.0.1')).body.data.releaseKey).toBe(gray);
  });

  it('makes a merge that missed a gray item set lose, and keeps the gray release open', async () => {
    const { p, g, main } = await released('stale-merge');
    const s = await stores();
    const stale = (await s.hierarchy.getNamespace(pathOf('stale-merge')))!;
    await ok('POST', g.items, { key: 'late', value: 'set after the merge read' });
    const end = { kind: 'end' as const, grayId: stale.gray!.id, rev: stale.gray!.rev };
    const outcome = await s.releases.commitRelease(
      pathOf('stale-merge'),
      stale.uid,
      stale.latest_seq,
      mainRecord(s.ids, stale.latest_seq + 1),
      'gray_merge',
      end,
    );
    expect(outcome).toBe('lost-race');
    expect((await ok('GET', g.gray)).item_count).toBe(1);
    expect((await configs(p, '')).body.data.releaseKey).toBe(main);
  });
});
