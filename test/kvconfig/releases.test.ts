import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestRuntime } from '../helpers/runtime.js';
import { startTestRuntime } from '../helpers/runtime.js';
import { createNamespace } from './helpers.js';

let rt: TestRuntime;
beforeAll(async () => {
  rt = await startTestRuntime();
});
afterAll(() => rt.close());

async function setItems(p: { items: string }, items: Record<string, string>) {
  for (const [key, value] of Object.entries(items)) expect((await rt.call('POST', p.items, { body: { key, value } })).status).toBe(200);
}

describe('releases', () => {
  it('publishes as in the document and lists releases newest first', async () => {
    const p = await createNamespace(rt, 'dev', 'slimstor', 'shenzhen', 'default');
    await setItems(p, { 'db.host': '10.10.1.1', 'db.user': 'root' });
    const first = await rt.call('POST', p.releases, {
      body: { operator: 'stevenrao', release_name: 'slimstor.shenzhen.default.20250805120000', comment: 'This is a 备注.' },
    });
    expect(first.body.data).toMatchObject({
      env: 'dev',
      app_name: 'slimstor',
      cluster_name: 'shenzhen',
      namespace_name: 'default',
      release_name: 'slimstor.shenzhen.default.20250805120000',
    });
    expect(first.body.data.release_id).toMatch(/^r-\d{14}/);
    const second = await rt.call('POST', p.releases, { body: { operator: 'stevenrao' } });
    expect(second.body.data.release_name).toMatch(/^slimstor\.shenzhen\.default\.\d{14}$/);
    const desc = await rt.call('GET', `${p.releases}?page=1&size=20&sort=release_time,desc`);
    expect(desc.body.data).toMatchObject({ env: 'dev', size: 20, total: 2, page: 1 });
    expect(desc.body.data.releases.map((r: { release_id: string }) => r.release_id)).toEqual([second.body.data.release_id, first.body.data.release_id]);
    expect(desc.body.data.releases[1]).toMatchObject({ operator: 'stevenrao', comment: 'This is a 备注.', app_name: 'slimstor' });
    const asc = await rt.call('GET', `${p.releases}?sort=release_time,asc&size=1&page=2`);
    expect(asc.body.data.releases.map((r: { release_id: string }) => r.release_id)).toEqual([second.body.data.release_id]);
    expect((await rt.call('GET', `${p.releases}?sort=name`)).status).toBe(400);
    expect((await rt.call('POST', p.releases, { body: { comment: 'no operator' } })).status).toBe(400);
  });

  it('gets the latest release with items and changed relative to an older one', async () => {
    const p = await createNamespace(rt, 'dev', 'diffapp');
    await setItems(p, { 'db.host': '10.10.1.0', 'db.user': 'root' });
    const old = (await rt.call('POST', p.releases, { body: { operator: 'op' } })).body.data.release_id;
    await setItems(p, { 'db.host': '10.10.1.1', 'db.port': '3306' });
    await rt.call('DELETE', `${p.items}/db.user`);
    const latest = (await rt.call('POST', p.releases, { body: { operator: 'stevenrao', comment: 'This is a 备注.' } })).body.data;
    const reply = await rt.call('GET', `${p.releases}/${old}`);
    expect(reply.body.code).toBe(0);
    expect(reply.body.data).toMatchObject({
      env: 'dev',
      release_id: latest.release_id,
      operator: 'stevenrao',
      comment: 'This is a 备注.',
      items: [
        { key: 'db.host', value: '10.10.1.1' },
        { key: 'db.port', value: '3306' },
      ],
      changed: { added: ['db.port'], updated: ['db.host'], deleted: ['db.user'] },
    });
    const unknown = await rt.call('GET', `${p.releases}/rel-unknown`);
    expect(unknown.body.data.changed).toEqual({ added: [], updated: [], deleted: [] });
    expect(unknown.body.data.items).toHaveLength(2);
  });

  it('answers 404 for a namespace never released', async () => {
    const p = await createNamespace(rt, 'dev', 'unreleased');
    await setItems(p, { a: '1' });
    const reply = await rt.call('GET', `${p.releases}/x`);
    expect(reply.status).toBe(404);
    expect(reply.body.message).toContain('never been released');
    expect((await rt.call('GET', p.configs)).status).toBe(404);
  });

  it('keeps releases immutable while items change', async () => {
    const p = await createNamespace(rt, 'dev', 'immutable');
    await setItems(p, { k: 'v1' });
    const r1 = (await rt.call('POST', p.releases, { body: { operator: 'op' } })).body.data.release_id;
    await setItems(p, { k: 'v2', extra: 'e' });
    expect((await rt.call('GET', p.configs)).body.data.items).toEqual({ k: 'v1' });
    const rolled = await rt.call('POST', `${p.releases}/${r1}/rollback`, { body: { operator: 'op' } });
    expect(rolled.status).toBe(200);
    expect((await rt.call('GET', p.configs)).body.data.items).toEqual({ k: 'v1' });
  });

  it('rolls back by publishing a new release equal to the target', async () => {
    const p = await createNamespace(rt, 'prod', 'slimstor', 'shenzhen', 'default');
    await setItems(p, { a: '1', b: '2' });
    const target = (await rt.call('POST', p.releases, { body: { operator: 'op' } })).body.data.release_id;
    await setItems(p, { a: 'changed', c: '3' });
    await rt.call('POST', p.releases, { body: { operator: 'op' } });
    const rolled = await rt.call('POST', `${p.releases}/${target}/rollback`, { body: { operator: 'stevenrao', comment: '回滚到稳定版本 v1.2.0' } });
    expect(rolled.body.code).toBe(0);
    expect(rolled.body.data).toMatchObject({
      env: 'prod',
      app_name: 'slimstor',
      cluster_name: 'shenzhen',
      namespace_name: 'default',
      release_name: `rollback_to_${target}`,
      operator: 'stevenrao',
      comment: '回滚到稳定版本 v1.2.0',
    });
    expect(rolled.body.data.release_id).not.toBe(target);
    const configs = await rt.call('GET', p.configs);
    expect(configs.body.data.releaseKey).toBe(rolled.body.data.release_id);
    expect(configs.body.data.items).toEqual({ a: '1', b: '2' });
    expect((await rt.call('GET', p.releases)).body.data.total).toBe(3);
    const unknown = await rt.call('POST', `${p.releases}/r-00000000000000000001deadbeef/rollback`, { body: { operator: 'op' } });
    expect(unknown.status).toBe(404);
    expect(unknown.body.message).toContain('release not found');
  });
});

describe('client configs', () => {
  it('serves the latest release in key order with paging, totals and changes', async () => {
    const p = await createNamespace(rt, 'pro', 'app123', 'default', 'mysql');
    await setItems(p, { 'db.url': 'jdbc:mysql://old', 'log.level': 'DEBUG', 'debug.mode': 'on' });
    const old = (await rt.call('POST', p.releases, { body: { operator: 'op', comment: '数据库配置' } })).body.data.release_id;
    await setItems(p, {
      'db.url': 'jdbc:mysql://pro',
      'log.level': 'INFO',
      'db.username': 'u',
      'db.password': 'p',
      'debug.username': 'stevenrao',
      'debug.password': 'stevenrao',
    });
    await rt.call('DELETE', `${p.items}/debug.mode`);
    const latest = (await rt.call('POST', p.releases, { body: { operator: 'op', comment: '数据库配置' } })).body.data.release_id;
    await setItems(p, { unpublished: 'not served' });
    const reply = await rt.call('GET', `${p.configs}?releaseKey=${old}&page=1&size=4`);
    expect(reply.body).toMatchObject({ code: 0, message: 'success' });
    expect(reply.body.data).toMatchObject({
      env: 'pro',
      appId: 'app123',
      clusterName: 'default',
      namespaceName: 'mysql',
      releaseKey: latest,
      comment: '数据库配置',
      total: 6,
      page: 1,
      size: 4,
    });
    expect(Object.keys(reply.body.data.items)).toEqual(['db.password', 'db.url', 'db.username', 'debug.password']);
    expect(reply.body.data.changes).toEqual({
      updates: ['db.url', 'log.level'],
      adds: ['db.password', 'db.username', 'debug.password', 'debug.username'].sort(),
      deletes: ['debug.mode'],
    });
    const page2 = await rt.call('GET', `${p.configs}?page=2&size=4`);
    expect(page2.body.data.items).toEqual({ 'debug.username': 'stevenrao', 'log.level': 'INFO' });
    expect(page2.body.data.changes).toBeNull();
    const same = await rt.call('GET', `${p.configs}?releaseKey=${latest}`);
    expect(same.body.data.changes).toEqual({ updates: [], adds: [], deletes: [] });
    expect((await rt.call('GET', `${p.configs}?size=501`)).status).toBe(400);
    expect((await rt.call('GET', `${p.configs}?page=0`)).status).toBe(400);
  });

  it('answers ETag and honours If-None-Match with 304 until the next release', async () => {
    const p = await createNamespace(rt, 'dev', 'etag');
    await setItems(p, { a: '1' });
    await rt.call('POST', p.releases, { body: { operator: 'op' } });
    const first = await rt.call('GET', p.configs);
    const etag = first.headers.get('etag');
    expect(etag).toMatch(/^".+"$/);
    const cached = await rt.call('GET', p.configs, { headers: { 'if-none-match': etag ?? '' } });
    expect(cached.status).toBe(304);
    expect(cached.text).toBe('');
    await rt.call('POST', p.releases, { body: { operator: 'op' } });
    const fresh = await rt.call('GET', p.configs, { headers: { 'if-none-match': etag ?? '' } });
    expect(fresh.status).toBe(200);
    expect(fresh.headers.get('etag')).not.toBe(etag);
  });

  it('labels every page with the release it comes from, even while releases are published', async () => {
    const p = await createNamespace(rt, 'dev', 'pager');
    const keys = Array.from({ length: 30 }, (_, i) => `key.${String(i).padStart(2, '0')}`);
    const publishRound = async (round: number) => {
      for (const key of keys) await rt.call('POST', p.items, { body: { key, value: `round-${round}` } });
      return (await rt.call('POST', p.releases, { body: { operator: 'op' } })).body.data.release_id as string;
    };
    const byRelease = new Map<string, number>();
    byRelease.set(await publishRound(0), 0);
    const publishing = (async () => {
      for (let round = 1; round <= 3; round += 1) byRelease.set(await publishRound(round), round);
    })();
    const pages: { releaseKey: string; items: Record<string, string> }[] = [];
    for (let i = 0; i < 20; i += 1) pages.push((await rt.call('GET', `${p.configs}?page=${(i % 3) + 1}&size=10`)).body.data);
    await publishing;
    for (const page of pages) {
      const round = byRelease.get(page.releaseKey);
      expect(round, `page of unknown release ${page.releaseKey}`).toBeDefined();
      expect(new Set(Object.values(page.items))).toEqual(new Set([`round-${round}`]));
    }
  });
});
