import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PageCache } from '../../functions/kvconfig/page-cache.js';
import type { TestRuntime } from '../helpers/runtime.js';
import { startTestRuntime } from '../helpers/runtime.js';
import { createNamespace } from './helpers.js';

describe('PageCache', () => {
  it('evicts the least recently used pages past its bound, and refuses a page larger than the bound', () => {
    const cache = new PageCache(30); // each page below is 12 characters (key, item key, value)
    cache.set('a', { k: 'x'.repeat(10) });
    cache.set('b', { k: 'y'.repeat(10) });
    expect(cache.get('a')).toEqual({ k: 'x'.repeat(10) });
    cache.set('c', { k: 'z'.repeat(10) });
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBeDefined();
    expect(cache.get('c')).toBeDefined();
    cache.set('huge', { k: 'h'.repeat(100) });
    expect(cache.get('huge')).toBeUndefined();
    expect(cache.size).toBe(2);
  });
});

describe('configs reads with the page cache', () => {
  let rt: TestRuntime;
  beforeAll(async () => {
    rt = await startTestRuntime();
  });
  afterAll(() => rt.close());

  it('serves a repeated page with the head read only, and the new release the moment it is published', async () => {
    const { consumedCapacity } = await import('../../functions/shared/dynamo.js');
    const p = await createNamespace(rt, 'dev', 'cached');
    const items = Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`key.${String(i).padStart(3, '0')}`, `value-${i}-${'v'.repeat(200)}`]));
    for (const [key, value] of Object.entries(items)) expect((await rt.call('POST', p.items, { body: { key, value } })).status).toBe(200);
    await rt.call('POST', p.releases, { body: { operator: 'op' } });

    const read = async () => {
      const before = consumedCapacity.read;
      const reply = await rt.call('GET', `${p.configs}?page=1&size=100`);
      return { reply, rcu: consumedCapacity.read - before };
    };
    const first = await read();
    expect(Object.keys(first.reply.body.data.items)).toHaveLength(100);
    const second = await read();
    expect(second.reply.body.data.items).toEqual(first.reply.body.data.items);
    // The counter is the process's: a token check by the auth cache may land in the window too.
    expect(second.rcu).toBeLessThan(first.rcu / 4);

    await rt.call('POST', p.items, { body: { key: 'key.000', value: 'changed' } });
    const published = (await rt.call('POST', p.releases, { body: { operator: 'op' } })).body.data.release_id;
    const third = await read();
    expect(third.reply.body.data.releaseKey).toBe(published);
    expect(third.reply.body.data.items['key.000']).toBe('changed');
  });
});
