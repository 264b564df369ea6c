import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { TestRuntime } from '../helpers/runtime.js';
import { startTestRuntime } from '../helpers/runtime.js';
import type { TcpProxy } from './helpers.js';
import {
  clientOptions,
  closeClients,
  configClientToken,
  countingFetch,
  deleteItem,
  publish,
  publishNamespace,
  runCloseProbe,
  setItems,
  startProxy,
  until,
  watching,
} from './helpers.js';

let rt: TestRuntime;
let token: string;
let proxy: TcpProxy;

beforeAll(async () => {
  rt = await startTestRuntime();
  token = await configClientToken(rt, 'watch-client');
  proxy = await startProxy(rt.url);
});
afterEach(async () => {
  await closeClients();
  proxy.restore();
});
afterAll(async () => {
  await proxy?.close();
  await rt?.close();
});

describe('ConfigClient watch by long poll', () => {
  it('tells listeners the added, updated and deleted keys after a publish, and then a rollback', async () => {
    const { p, releaseKey: first } = await publishNamespace(rt, 'pro', 'listened', 'application', { a: '1', b: '2', c: '3' });
    const { client, events } = await watching(clientOptions(rt.url, token, { env: 'pro', appId: 'listened', push: false }));
    expect(client.transport).toBe('poll');

    await setItems(rt, p, { a: '10', d: '4' });
    await deleteItem(rt, p, 'b');
    const second = await publish(rt, p);
    await until('the publish to reach the listener', () => events.length === 1);
    expect(events[0]).toEqual({
      namespace: 'application',
      releaseKey: second,
      previousReleaseKey: first,
      changes: {
        a: { old: '1', new: '10', type: 'updated' },
        d: { old: undefined, new: '4', type: 'added' },
        b: { old: '2', new: undefined, type: 'deleted' },
      },
    });
    expect(client.namespace('application').getAll()).toEqual({ a: '10', c: '3', d: '4' });

    const rollback = await rt.call('POST', `${p.releases}/${first}/rollback`, { body: { operator: 'client-test' } });
    const rolledBack = rollback.body.data.release_id as string;
    await until('the rollback to reach the listener', () => events.length === 2);
    expect(events[1]).toEqual({
      namespace: 'application',
      releaseKey: rolledBack,
      previousReleaseKey: second,
      changes: {
        a: { old: '10', new: '1', type: 'updated' },
        b: { old: undefined, new: '2', type: 'added' },
        d: { old: '4', new: undefined, type: 'deleted' },
      },
    });
    expect(client.namespace('application').releaseKey).toBe(rolledBack);
  });

  it('takes a release with the same items without an event', async () => {
    const { p } = await publishNamespace(rt, 'pro', 'same', 'application', { a: '1' });
    const { client, events } = await watching(clientOptions(rt.url, token, { env: 'pro', appId: 'same', push: false }));
    const again = await publish(rt, p);
    await until('the new release key', () => client.namespace('application').releaseKey === again);
    expect(events).toEqual([]);
  });

  it('watches several namespaces and names the one that changed', async () => {
    await publishNamespace(rt, 'pro', 'multi', 'application', { a: '1' });
    const { p: db } = await publishNamespace(rt, 'pro', 'multi', 'database', { url: 'old' });
    const { events } = await watching(clientOptions(rt.url, token, { env: 'pro', appId: 'multi', namespaces: ['application', 'database'], push: false }));
    await setItems(rt, db, { url: 'new' });
    const key = await publish(rt, db);
    await until('the change of database', () => events.length === 1);
    expect(events[0]).toMatchObject({ namespace: 'database', releaseKey: key, changes: { url: { old: 'old', new: 'new', type: 'updated' } } });
  });

  it('keeps retrying while the server is away and catches up when it comes back', async () => {
    const { p, releaseKey: first } = await publishNamespace(rt, 'pro', 'away', 'application', { state: 'before' });
    const { client, events, errors } = await watching(clientOptions(proxy.url, token, { env: 'pro', appId: 'away', push: false }));
    expect(client.transport).toBe('poll');

    proxy.cut();
    // The poll in flight was cut and the client has come back at least twice since, to a closed door.
    await until('the client to retry while the server is away', () => proxy.refused >= 2);
    expect(errors.some((e) => e.name === 'ConfigUnreachableError')).toBe(true);
    await setItems(rt, p, { state: 'after' });
    const second = await publish(rt, p);
    expect(client.namespace('application').getString('state')).toBe('before');

    proxy.restore();
    await until('the release published while away', () => events.length === 1);
    expect(events[0]).toEqual({
      namespace: 'application',
      releaseKey: second,
      previousReleaseKey: first,
      changes: { state: { old: 'before', new: 'after', type: 'updated' } },
    });
    expect(client.namespace('application').getString('state')).toBe('after');
  });
});

describe("ConfigClient watch by the runtime's push API", () => {
  it('is told a publish and a rollback by push, without long polling', async () => {
    const { p, releaseKey: first } = await publishNamespace(rt, 'pro', 'pushed', 'application', { a: '1' });
    const { counts, fetch } = countingFetch();
    // The default settings: push at the API's own host, /api/v1/push.
    const { client, events } = await watching({ baseUrl: rt.url, token, env: 'pro', appId: 'pushed', fetch });
    await until('the push subscription', () => client.transport === 'push');
    await setItems(rt, p, { a: '2', b: 'new' });
    const second = await publish(rt, p);
    await until('the pushed release', () => events.length === 1);
    expect(events[0]).toEqual({
      namespace: 'application',
      releaseKey: second,
      previousReleaseKey: first,
      changes: { a: { old: '1', new: '2', type: 'updated' }, b: { old: undefined, new: 'new', type: 'added' } },
    });
    const rolledBack = (await rt.call('POST', `${p.releases}/${first}/rollback`, { body: { operator: 'client-test' } })).body.data.release_id as string;
    await until('the pushed rollback', () => events.length === 2);
    expect(events[1]).toEqual({
      namespace: 'application',
      releaseKey: rolledBack,
      previousReleaseKey: second,
      changes: { a: { old: '2', new: '1', type: 'updated' }, b: { old: 'new', new: undefined, type: 'deleted' } },
    });
    expect(counts.notifications).toBe(0);
  });

  it('keeps retrying while the server is away, catches up when it comes back, and returns to push', async () => {
    const { p, releaseKey: first } = await publishNamespace(rt, 'pro', 'push-away', 'application', { state: 'before' });
    const { client, events } = await watching(clientOptions(proxy.url, token, { env: 'pro', appId: 'push-away' }));
    await until('the push subscription', () => client.transport === 'push');

    proxy.cut();
    await until('the client to retry while the server is away', () => proxy.refused >= 2);
    await setItems(rt, p, { state: 'after' });
    const second = await publish(rt, p);

    proxy.restore();
    await until('the release published while away', () => events.length === 1);
    expect(events[0]).toEqual({
      namespace: 'application',
      releaseKey: second,
      previousReleaseKey: first,
      changes: { state: { old: 'before', new: 'after', type: 'updated' } },
    });
    await until('push again', () => client.transport === 'push');
    await setItems(rt, p, { state: 'pushed' });
    await publish(rt, p);
    await until('the next release', () => events.length === 2);
  });
});

describe('ConfigClient with gray releases', () => {
  it('is served the gray release when its label or ip matches, and follows the merge; other clients only see the merge', async () => {
    const { p } = await publishNamespace(rt, 'pro', 'graying', 'application', { timeout: '30', port: '3306' });
    // One by push, one by the long poll: both serve the gray release to a matching client.
    const byLabel = await watching(clientOptions(rt.url, token, { env: 'pro', appId: 'graying', label: 'zone-a,canary' }));
    const byIp = await watching(clientOptions(rt.url, token, { env: 'pro', appId: 'graying', ip: '10.0.0.9', push: false }));
    const others = await watching({ baseUrl: rt.url, token, env: 'pro', appId: 'graying', label: 'zone-a', ip: '10.0.0.10' });
    await until('the push subscriptions', () => others.client.transport === 'push' && byLabel.client.transport === 'push');

    const gray = `${p.ns}/gray`;
    expect((await rt.call('POST', gray, { body: { ips: ['10.0.0.9'], labels: ['canary'] } })).status).toBe(200);
    expect((await rt.call('POST', `${gray}/items`, { body: { key: 'timeout', value: '5' } })).status).toBe(200);
    const grayKey = (await rt.call('POST', `${gray}/releases`, { body: { operator: 'client-test' } })).body.data.release_id as string;
    for (const gray of [byLabel, byIp]) {
      await until('the gray release', () => gray.events.length === 1);
      expect(gray.events[0]).toMatchObject({ releaseKey: grayKey, changes: { timeout: { old: '30', new: '5', type: 'updated' } } });
      expect(gray.client.namespace('application').getNumber('timeout', 0)).toBe(5);
    }

    const merged = (await rt.call('POST', `${gray}/merge`, { body: { operator: 'client-test' } })).body.data.release_id as string;
    // Gray clients move to the merged main release (same items: a new key, no event); the others get the change.
    await until('the merged release everywhere', () => [byLabel, byIp, others].every((c) => c.client.namespace('application').releaseKey === merged));
    expect(others.events).toEqual([
      { namespace: 'application', releaseKey: merged, previousReleaseKey: expect.any(String), changes: { timeout: { old: '30', new: '5', type: 'updated' } } },
    ]);
    expect(byLabel.events).toHaveLength(1);
    expect(byIp.events).toHaveLength(1);
  });
});

describe('ConfigClient close', () => {
  it('leaves nothing running: a process whose client was closed while long polling exits by itself', async () => {
    await publishNamespace(rt, 'pro', 'closing', 'application', { a: '1' });
    const run = await runCloseProbe({ baseUrl: rt.url, token, app: 'closing', push: false, transport: 'poll' });
    expect(run, run.output).toMatchObject({ exited: true, code: 0 });
    expect(run.output).toContain('closed closed');
  });

  it('leaves nothing running: a process whose client was closed while subscribed to the push API exits by itself', async () => {
    await publishNamespace(rt, 'pro', 'closing-push', 'application', { a: '1' });
    const run = await runCloseProbe({ baseUrl: rt.url, token, app: 'closing-push', push: true, transport: 'push' });
    expect(run, run.output).toMatchObject({ exited: true, code: 0 });
    expect(run.output).toContain('closed closed');
  });

  it('stops watching at close, in process too', async () => {
    await publishNamespace(rt, 'pro', 'closing2', 'application', { a: '1' });
    const { client } = await watching(clientOptions(rt.url, token, { env: 'pro', appId: 'closing2', push: false }));
    await client.close();
    expect(client.transport).toBe('closed');
    await client.close();
    expect(client.namespace('application').getString('a')).toBe('1');
  });
});
