import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestRuntime } from '../helpers/runtime.js';
import { startTestRuntime } from '../helpers/runtime.js';
import { seqOfReleaseId } from '../../functions/kvconfig/release-id.js';
import { createNamespace } from './helpers.js';

let rt: TestRuntime;
beforeAll(async () => {
  rt = await startTestRuntime();
});
afterAll(() => rt.close());

describe('concurrent writers', () => {
  it('leaves one of the written values and one count when the same new key is set concurrently', async () => {
    const p = await createNamespace(rt, 'dev', 'samekey');
    const values = Array.from({ length: 20 }, (_, i) => `value-${i}-${'x'.repeat(i * 50)}`);
    const replies = await Promise.all(values.map((value) => rt.call('POST', p.items, { body: { key: 'contended', value } })));
    expect(replies.map((r) => r.status)).toEqual(values.map(() => 200));
    const final = (await rt.call('GET', `${p.items}/contended`)).body.data.value;
    expect(values).toContain(final);
    const list = await rt.call('GET', p.items);
    expect(list.body.data.total).toBe(1);
    expect(list.body.data.items).toHaveLength(1);
    const history = await rt.call('GET', `${p.history}?size=100`);
    expect(history.body.data.total).toBe(20);
  });

  it('counts every key when many new keys are set at once', async () => {
    const p = await createNamespace(rt, 'dev', 'manykeys');
    await Promise.all(Array.from({ length: 60 }, (_, i) => rt.call('POST', p.items, { body: { key: `k${i}`, value: String(i) } })));
    await Promise.all(Array.from({ length: 20 }, (_, i) => rt.call('DELETE', `${p.items}/k${i}`)));
    const list = await rt.call('GET', `${p.items}?size=100`);
    expect(list.body.data.total).toBe(40);
    expect(list.body.data.items).toHaveLength(40);
  });

  it('orders concurrent publishes into distinct releases', async () => {
    const p = await createNamespace(rt, 'dev', 'racers');
    await rt.call('POST', p.items, { body: { key: 'a', value: '1' } });
    const replies = await Promise.all(Array.from({ length: 6 }, (_, i) => rt.call('POST', p.releases, { body: { operator: `op${i}` } })));
    expect(replies.map((r) => r.status)).toEqual(replies.map(() => 200));
    const ids = replies.map((r) => r.body.data.release_id as string);
    expect(new Set(ids).size).toBe(6);
    const list = await rt.call('GET', `${p.releases}?sort=release_time,asc`);
    expect(list.body.data.total).toBe(6);
    expect(new Set(list.body.data.releases.map((r: { release_id: string }) => r.release_id))).toEqual(new Set(ids));
    const latest = (await rt.call('GET', p.configs)).body.data.releaseKey;
    expect(latest).toBe(list.body.data.releases.at(-1).release_id);
    for (const id of ids) {
      const release = await rt.call('GET', `${p.releases}/${id}`);
      expect(release.body.data.items).toEqual([{ key: 'a', value: '1' }]);
    }
  });

  it('gives each of 60 concurrent publishes its release in order, or a 409 that says to retry', async () => {
    const p = await createNamespace(rt, 'dev', 'stampede');
    await rt.call('POST', p.items, { body: { key: 'a', value: '1' } });
    const replies = await Promise.all(Array.from({ length: 60 }, (_, i) => rt.call('POST', p.releases, { body: { operator: `op${i}` } })));
    for (const reply of replies) {
      expect([200, 409], reply.text).toContain(reply.status);
      if (reply.status === 409) expect(reply.body).toMatchObject({ code: 409, data: null, message: expect.stringContaining('retry') });
    }
    const won = replies.filter((r) => r.status === 200).map((r) => r.body.data.release_id as string);
    expect(won.length).toBeGreaterThan(0);
    expect(new Set(won).size).toBe(won.length);
    const list = await rt.call('GET', `${p.releases}?sort=release_time,asc&size=100`);
    const listed = list.body.data.releases.map((r: { release_id: string }) => r.release_id);
    expect(list.body.data.total).toBe(won.length);
    expect([...listed].sort()).toEqual([...won].sort());
    // Release ids carry their sequence number: the list is the commit order, with no gap or repeat.
    expect(listed.map((id: string) => seqOfReleaseId(id))).toEqual(listed.map((_: string, i: number) => i + 1));
    const operators = list.body.data.releases.map((r: { operator: string }) => r.operator);
    expect(new Set(operators).size).toBe(won.length);
    expect((await rt.call('GET', p.configs)).body.data.releaseKey).toBe(listed.at(-1));
  });

  it('puts items set during a publish wholly in that release or the next', async () => {
    const p = await createNamespace(rt, 'dev', 'midpublish');
    for (let i = 0; i < 40; i += 1) await rt.call('POST', p.items, { body: { key: `base${String(i).padStart(2, '0')}`, value: 'base' } });
    const setting = Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        rt.call('POST', p.items, { body: { key: `late${String(i).padStart(2, '0')}`, value: `late-${i}-${'y'.repeat(1000)}` } }),
      ),
    );
    const first = (await rt.call('POST', p.releases, { body: { operator: 'op' } })).body.data.release_id;
    // Read the first release while it is still the latest (only this test publishes here).
    const firstPage = (await rt.call('GET', `${p.configs}?size=500`)).body.data;
    expect(firstPage.releaseKey).toBe(first);
    const firstItems = new Map<string, string>(Object.entries(firstPage.items));
    await setting;
    const second = (await rt.call('POST', p.releases, { body: { operator: 'op' } })).body.data.release_id;
    expect(firstItems.size).toBe(firstPage.total);
    expect(firstItems.size).toBeGreaterThanOrEqual(40);
    for (const [key, value] of firstItems) {
      if (key.startsWith('late')) expect(value).toBe(`late-${Number(key.slice(4))}-${'y'.repeat(1000)}`);
      else expect(value).toBe('base');
    }
    // The second release has everything; the delta from the first adds exactly the keys it lacked.
    const configs = await rt.call('GET', `${p.configs}?size=500&releaseKey=${first}`);
    expect(configs.body.data.releaseKey).toBe(second);
    expect(configs.body.data.total).toBe(80);
    expect(configs.body.data.changes.adds.length).toBe(80 - firstItems.size);
    expect(configs.body.data.changes.updates).toEqual([]);
  });
});
