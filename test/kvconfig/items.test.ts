import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestRuntime } from '../helpers/runtime.js';
import { startTestRuntime } from '../helpers/runtime.js';
import { createNamespace } from './helpers.js';

let rt: TestRuntime;
let p: Awaited<ReturnType<typeof createNamespace>>;
beforeAll(async () => {
  rt = await startTestRuntime();
  p = await createNamespace(rt, 'dev', 'slimstor', 'shenzhen', 'default');
});
afterAll(() => rt.close());

describe('items', () => {
  it('sets an item as in the document', async () => {
    const reply = await rt.call('POST', p.items, { body: { key: 'item_key', value: 'This is the value of the item.' } });
    expect(reply.status).toBe(200);
    expect(reply.body.data.item).toMatchObject({ key: 'item_key', value: 'This is the value of the item.', namespace_name: 'default' });
    const got = await rt.call('GET', `${p.items}/item_key`);
    expect(got.body.data).toMatchObject({ key: 'item_key', value: 'This is the value of the item.', namespace_name: 'default' });
  });

  it('replaces an existing item, keeping its create_time', async () => {
    const first = (await rt.call('POST', p.items, { body: { key: 'replace.me', value: 'one' } })).body.data.item;
    const second = (await rt.call('POST', p.items, { body: { key: 'replace.me', value: 'two' } })).body.data.item;
    expect(second.create_time).toBe(first.create_time);
    expect((await rt.call('GET', `${p.items}/replace.me`)).body.data.value).toBe('two');
  });

  it('lists items in key order with page, size and case-insensitive search', async () => {
    for (const [key, value] of [
      ['database.host', '10.0.0.1'],
      ['database.port', '3306'],
      ['database.user', 'admin'],
      ['app.DataBase.url', 'u'],
      ['other', 'o'],
    ]) {
      await rt.call('POST', p.items, { body: { key, value } });
    }
    const search = await rt.call('GET', `${p.items}?page=1&size=10&search=database`);
    expect(search.body.data.total).toBe(4);
    expect(search.body.data.items.map((i: { key: string }) => i.key)).toEqual(['app.DataBase.url', 'database.host', 'database.port', 'database.user']);
    expect(search.body.data.items[1]).toMatchObject({ key: 'database.host', value: '10.0.0.1' });
    expect(search.body.data.items[1].created_at).toMatch(/Z$/);
    const paged = await rt.call('GET', `${p.items}?page=2&size=2&search=DATABASE`);
    expect(paged.body.data).toMatchObject({ total: 4, page: 2, size: 2 });
    expect(paged.body.data.items.map((i: { key: string }) => i.key)).toEqual(['database.port', 'database.user']);
    const all = await rt.call('GET', `${p.items}?size=100`);
    expect(all.body.data.total).toBe(all.body.data.items.length);
    const keys = all.body.data.items.map((i: { key: string }) => i.key);
    expect(keys).toEqual([...keys].sort());
  });

  it('deletes an item and answers 404 for it afterwards', async () => {
    await rt.call('POST', p.items, { body: { key: 'gone', value: 'x' } });
    const deleted = await rt.call('DELETE', `${p.items}/gone`);
    expect(deleted.body.data).toEqual({ key: 'gone', namespace_name: 'default' });
    const again = await rt.call('GET', `${p.items}/gone`);
    expect(again.body).toEqual({ code: 404, message: 'item not found: gone', data: null });
    expect((await rt.call('DELETE', `${p.items}/gone`)).status).toBe(404);
  });

  it('serves keys with dots, dashes, spaces and encoded slashes', async () => {
    const key = 'feature flags/new-ui.enabled';
    await rt.call('POST', p.items, { body: { key, value: 'true' } });
    const got = await rt.call('GET', `${p.items}/${encodeURIComponent(key)}`);
    expect(got.body.data).toMatchObject({ key, value: 'true' });
  });

  it('refuses values over 64 KiB and keys over 256 characters, naming the field', async () => {
    const big = await rt.call('POST', p.items, { body: { key: 'big', value: 'x'.repeat(64 * 1024 + 1) } });
    expect(big.status).toBe(400);
    expect(big.body.message).toContain('value');
    const exact = await rt.call('POST', p.items, { body: { key: 'exact', value: 'x'.repeat(64 * 1024) } });
    expect(exact.status).toBe(200);
    const longKey = await rt.call('POST', p.items, { body: { key: 'k'.repeat(257), value: 'v' } });
    expect(longKey.status).toBe(400);
    expect(longKey.body.message).toContain('key');
    const wrongType = await rt.call('POST', p.items, { body: { key: 'n', value: 42 } });
    expect(wrongType.status).toBe(400);
  });

  it('answers 404 naming the missing level', async () => {
    const base = '/api/v1/envs/dev/apps/slimstor/clusters/shenzhen/namespaces';
    expect((await rt.call('GET', `${base}/nope/items`)).body.message).toBe('namespace not found: nope');
    expect(
      (await rt.call('POST', '/api/v1/envs/dev/apps/slimstor/clusters/nope/namespaces/default/items', { body: { key: 'a', value: 'b' } })).body.message,
    ).toBe('cluster not found: nope');
  });

  it('records who changed what in the namespace history', async () => {
    const viewerOf = await rt.call('POST', '/admin/users', { body: { name: 'history-op', role: 'operator' } });
    await rt.call('POST', p.items, { token: viewerOf.body.data.token, body: { key: 'audited', value: '1' } });
    await rt.call('DELETE', `${p.items}/audited`, { token: viewerOf.body.data.token });
    await rt.call('POST', p.releases, { body: { operator: 'stevenrao', comment: 'audit' } });
    const history = await rt.call('GET', `${p.history}?size=3`);
    expect(history.body.data.history.map((h: { action: string }) => h.action)).toEqual(['publish', 'delete', 'set']);
    expect(history.body.data.history[0]).toMatchObject({ action: 'publish', operator: 'stevenrao' });
    expect(history.body.data.history[1]).toMatchObject({ action: 'delete', key: 'audited', operator: viewerOf.body.data.id });
    expect(history.body.data.history[2].time).toMatch(/Z$/);
    expect(history.body.data.total).toBeGreaterThan(3);
  });
});
