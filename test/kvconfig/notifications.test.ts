import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestRuntime } from '../helpers/runtime.js';
import { startTestRuntime } from '../helpers/runtime.js';
import { createNamespace } from './helpers.js';

let rt: TestRuntime;
let p: Awaited<ReturnType<typeof createNamespace>>;
let clientToken: string;
beforeAll(async () => {
  rt = await startTestRuntime();
  p = await createNamespace(rt, 'pro', 'app123', 'default', 'application');
  await rt.call('POST', p.items, { body: { key: 'a', value: '1' } });
  await rt.call('POST', p.releases, { body: { operator: 'op' } });
  clientToken = (await rt.call('POST', '/admin/users', { body: { name: 'poller', role: 'config-client' } })).body.data.token;
});
afterAll(() => rt.close());

const currentKey = async () => (await rt.call('GET', p.configs)).body.data.releaseKey as string;

/** Resolves when the server has the waiter registered: polls until a request is in flight. */
function waitFor(releaseKey: string, timeout = 30) {
  return rt.call('GET', `${p.notifications}?releaseKey=${releaseKey}&timeout=${timeout}`, { token: clientToken });
}

describe('notifications long poll', () => {
  it('returns the new releaseKey when a release is published during the wait', async () => {
    const key = await currentKey();
    const waiting = waitFor(key);
    await new Promise((r) => setTimeout(r, 300));
    const published = (await rt.call('POST', p.releases, { body: { operator: 'op' } })).body.data.release_id;
    const reply = await waiting;
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({ code: 0, message: 'success', data: { releaseKey: published } });
  });

  it('returns at once when the client key is stale', async () => {
    const latest = await currentKey();
    // A 90 s timeout: the test's own timeout would fail first if the server waited.
    const reply = await rt.call('GET', `${p.notifications}?releaseKey=r-stale&timeout=90`, { token: clientToken });
    expect(reply.body.data).toEqual({ releaseKey: latest });
  }, 20_000);

  it('answers the 408 envelope when nothing changes before the timeout', async () => {
    const reply = await waitFor(await currentKey(), 1);
    expect(reply.status).toBe(408);
    expect(reply.body).toEqual({ code: 408, message: 'timeout', data: null });
  });

  it('wakes every waiter on a rollback', async () => {
    const releases = (await rt.call('GET', `${p.releases}?sort=release_time,asc`)).body.data.releases;
    const key = await currentKey();
    const waiters = Array.from({ length: 5 }, () => waitFor(key));
    await new Promise((r) => setTimeout(r, 300));
    const rolled = (await rt.call('POST', `${p.releases}/${releases[0].release_id}/rollback`, { body: { operator: 'op' } })).body.data.release_id;
    for (const reply of await Promise.all(waiters)) expect(reply.body.data).toEqual({ releaseKey: rolled });
  });

  it('validates releaseKey and timeout, and names a missing namespace', async () => {
    expect((await rt.call('GET', p.notifications, { token: clientToken })).status).toBe(400);
    const tooLong = await rt.call('GET', `${p.notifications}?releaseKey=x&timeout=91`, { token: clientToken });
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.message).toContain('timeout');
    const missing = await rt.call('GET', '/api/v1/envs/pro/apps/app123/clusters/default/namespaces/nope/notifications?releaseKey=x', { token: clientToken });
    expect(missing.body).toEqual({ code: 404, message: 'namespace not found: nope', data: null });
  });

  it('answers 404 at once, as configs does, for a namespace that was never released', async () => {
    const fresh = await createNamespace(rt, 'pro', 'app123', 'default', 'unreleased');
    const configs = await rt.call('GET', fresh.configs, { token: clientToken });
    expect(configs.status).toBe(404);
    // A 90 s timeout: the test's own timeout fails first if the server waits.
    const reply = await rt.call('GET', `${fresh.notifications}?releaseKey=x&timeout=90`, { token: clientToken });
    expect(reply.status).toBe(404);
    expect(reply.body).toEqual(configs.body);
  }, 20_000);
});
