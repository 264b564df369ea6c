import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestRuntime } from '../helpers/runtime.js';
import { startTestRuntime } from '../helpers/runtime.js';
import { createNamespace } from './helpers.js';

let rt: TestRuntime;
beforeAll(async () => {
  rt = await startTestRuntime();
});
afterAll(() => rt.close());

const COUNT = 5000;
const keyOf = (i: number) => `item.${String(i).padStart(4, '0')}`;
/** Every 100th value is the full 64 KiB; the rest are small, so the namespace holds ~3.3 MB. */
const valueOf = (i: number, round: string) => (i % 100 === 0 ? `${round}:${i}:`.padEnd(64 * 1024, 'z') : `${round}:${i}`);

async function seed(items: string, round: string) {
  let next = 0;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (next < COUNT) {
        const i = next++;
        const reply = await rt.call('POST', items, { body: { key: keyOf(i), value: valueOf(i, round) } });
        if (reply.status !== 200) throw new Error(`set ${keyOf(i)}: ${reply.status} ${reply.text}`);
      }
    }),
  );
}

describe('a namespace of 5,000 items', () => {
  it('publishes, serves every page of one release, and refuses the 5,001st item', async () => {
    const p = await createNamespace(rt, 'dev', 'bigapp');
    await seed(p.items, 'r1');
    expect((await rt.call('GET', `${p.items}?size=1`)).body.data.total).toBe(COUNT);
    const full = await rt.call('POST', p.items, { body: { key: 'one.too.many', value: 'x' } });
    expect(full.status).toBe(400);
    expect(full.body.message).toContain('5000');

    const release = (await rt.call('POST', p.releases, { body: { operator: 'op', comment: 'big' } })).body.data.release_id as string;
    const seen = new Map<string, string>();
    for (let page = 1; page <= COUNT / 500; page += 1) {
      const reply = await rt.call('GET', `${p.configs}?page=${page}&size=500`);
      expect(reply.status).toBe(200);
      expect(reply.body.data).toMatchObject({ releaseKey: release, total: COUNT, page, size: 500 });
      for (const [key, value] of Object.entries(reply.body.data.items as Record<string, string>)) seen.set(key, value);
    }
    expect(seen.size).toBe(COUNT);
    for (let i = 0; i < COUNT; i += 1) expect(seen.get(keyOf(i))).toBe(valueOf(i, 'r1'));
    expect((await rt.call('GET', `${p.configs}?page=11&size=500`)).body.data.items).toEqual({});

    // Change a tenth of the items; the delta and the full release read stay exact.
    for (let i = 0; i < COUNT; i += 10) await rt.call('POST', p.items, { body: { key: keyOf(i), value: valueOf(i, 'r2') } });
    const second = (await rt.call('POST', p.releases, { body: { operator: 'op' } })).body.data.release_id as string;
    const delta = await rt.call('GET', `${p.configs}?size=10&releaseKey=${release}`);
    expect(delta.body.data.releaseKey).toBe(second);
    expect(delta.body.data.changes.updates).toHaveLength(COUNT / 10);
    expect(delta.body.data.changes.adds).toEqual([]);
    const whole = await rt.call('GET', `${p.releases}/${release}`);
    expect(whole.body.data.items).toHaveLength(COUNT);
    expect(whole.body.data.changed.updated).toHaveLength(COUNT / 10);
    expect(whole.body.data.items[100]).toEqual({ key: keyOf(100), value: valueOf(100, 'r2') });
  }, 600_000);
});
