import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { subscribeMessages } from '../../client/src/push-protocol.js';
import type { TestRuntime } from '../helpers/runtime.js';
import { startTestRuntime } from '../helpers/runtime.js';
import { startFakePush } from './fake-push.js';
import {
  clientOptions,
  closeClients,
  configClientToken,
  countingFetch,
  publish,
  publishNamespace,
  runCloseProbe,
  setItems,
  until,
  watching,
} from './helpers.js';

let rt: TestRuntime;
let token: string;
let push: Awaited<ReturnType<typeof startFakePush>>;

beforeAll(async () => {
  rt = await startTestRuntime();
  token = await configClientToken(rt, 'push-client');
  push = await startFakePush(rt, token);
});
afterEach(async () => {
  await closeClients();
  push.state.refuse = false;
  push.state.subscribeError = undefined;
});
afterAll(async () => {
  await push?.close();
  await rt?.close();
});

const at = (appId: string, namespaceName = 'application') => ({ env: 'pro', appId, clusterName: 'default', namespaceName });

describe('ConfigClient watch by push (a push server the test controls)', () => {
  it('subscribes with its token, held keys, ip and label, and loads a release the server tells once', async () => {
    const { p, releaseKey: first } = await publishNamespace(rt, 'pro', 'pushed', 'application', { a: '1' });
    const { counts, fetch } = countingFetch();
    const { client, events } = await watching(
      clientOptions(rt.url, token, { env: 'PRO', appId: 'pushed', pushUrl: push.url, ip: '10.0.0.7', label: 'canary', fetch }),
    );
    await until('the push subscription', () => client.transport === 'push');
    expect(push.state.authorizations.at(-1)).toBe(`Bearer ${token}`);
    expect(push.state.subscribes.at(-1)).toEqual({
      action: 'subscribe',
      namespaces: [{ ...at('pushed'), releaseKey: first }],
      ip: '10.0.0.7',
      label: 'canary',
    });
    expect(counts).toEqual({ configs: 1, notifications: 0 });

    await setItems(rt, p, { a: '2' });
    const second = await publish(rt, p);
    push.notify(at('pushed'), second);
    await until('the pushed release', () => events.length === 1);
    expect(events[0]).toEqual({
      namespace: 'application',
      releaseKey: second,
      previousReleaseKey: first,
      changes: { a: { old: '1', new: '2', type: 'updated' } },
    });

    // A key already held, and a change of another app, load nothing; the next new key loads once.
    push.notify(at('pushed'), second);
    push.notify(at('someone-else'), 'r-other');
    await setItems(rt, p, { a: '3' });
    const third = await publish(rt, p);
    push.notify(at('pushed'), third);
    await until('the third release', () => events.length === 2);
    expect(counts).toEqual({ configs: 3, notifications: 0 });

    // A late message naming an older release costs one page (page 1 names the release held) and no event.
    push.notify(at('pushed'), first);
    await setItems(rt, p, { a: '4' });
    const fourth = await publish(rt, p);
    push.notify(at('pushed'), fourth);
    await until('the fourth release', () => events.length === 3);
    expect(counts).toEqual({ configs: 5, notifications: 0 });
    expect(events.map((e) => e.releaseKey)).toEqual([second, third, fourth]);
  });

  it('reconnects when the connection ends and subscribes with the key it holds, so a release it missed is told at once', async () => {
    const { p, releaseKey: first } = await publishNamespace(rt, 'pro', 'reconnect', 'application', { a: '1' });
    const { client, events } = await watching(clientOptions(rt.url, token, { env: 'pro', appId: 'reconnect', pushUrl: push.url }));
    await until('the push subscription', () => client.transport === 'push');
    const subscribesBefore = push.state.subscribes.length;

    await setItems(rt, p, { a: '2' });
    const missed = await publish(rt, p); // no `changed` sent: as if the message was lost with the connection
    push.dropAll();
    await until('the missed release', () => events.length === 1);
    expect(events[0]).toMatchObject({ releaseKey: missed, previousReleaseKey: first });
    const resubscribe = push.state.subscribes.slice(subscribesBefore).find((s) => s.namespaces[0]?.appId === 'reconnect');
    expect(resubscribe?.namespaces).toEqual([{ ...at('reconnect'), releaseKey: first }]);
    await until('push again', () => client.transport === 'push');
  });

  it('falls back to the long poll while push is refused, and goes back to push when it is accepted again', async () => {
    const { p } = await publishNamespace(rt, 'pro', 'fallback', 'application', { a: '1' });
    push.state.refuse = true;
    const { counts, fetch } = countingFetch();
    const { client, events, errors } = await watching(clientOptions(rt.url, token, { env: 'pro', appId: 'fallback', pushUrl: push.url, fetch }));
    await until('the long poll', () => client.transport === 'poll');
    expect(errors.find((e) => e.message.startsWith('push:'))?.name).toBe('ConfigUnreachableError');

    await setItems(rt, p, { a: '2' });
    await publish(rt, p);
    await until('the release by long poll', () => events.length === 1);

    push.state.refuse = false;
    await until('push again', () => client.transport === 'push');
    const polls = counts.notifications;
    await setItems(rt, p, { a: '3' });
    const third = await publish(rt, p);
    push.notify(at('fallback'), third);
    await until('the release by push', () => events.length === 2);
    expect(events[1]).toMatchObject({ releaseKey: third, changes: { a: { old: '2', new: '3', type: 'updated' } } });
    // The polls stopped when push came back.
    expect(counts.notifications).toBe(polls);
  });

  it('falls back to the long poll when the server answers subscribe with an error', async () => {
    await publishNamespace(rt, 'pro', 'denied', 'application', { a: '1' });
    push.state.subscribeError = { code: 403, message: 'role viewer may not subscribe' };
    const { client, errors } = await watching(clientOptions(rt.url, token, { env: 'pro', appId: 'denied', pushUrl: push.url }));
    await until('the long poll', () => client.transport === 'poll');
    expect(errors.find((e) => e.name === 'ConfigServerError')).toMatchObject({ status: 403, message: 'push: role viewer may not subscribe' });
  });

  it('pings to keep the connection open', async () => {
    await publishNamespace(rt, 'pro', 'pinger', 'application', { a: '1' });
    const pingsBefore = push.state.pings;
    const { client } = await watching(clientOptions(rt.url, token, { env: 'pro', appId: 'pinger', pushUrl: push.url, pingIntervalMs: 1000 }));
    await until('the push subscription', () => client.transport === 'push');
    await until('a ping', () => push.state.pings > pingsBefore);
  });

  it('sends at most 100 namespaces in one subscribe message', () => {
    const namespaces = Array.from({ length: 205 }, (_, i) => ({ ...at('many', `ns${i}`), releaseKey: `r-${i}` }));
    const messages = subscribeMessages(namespaces, { label: 'blue' }).map((m) => JSON.parse(m));
    expect(messages.map((m) => m.namespaces.length)).toEqual([100, 100, 5]);
    expect(messages.flatMap((m) => m.namespaces)).toEqual(namespaces);
    expect(messages.every((m) => m.action === 'subscribe' && m.label === 'blue' && !('ip' in m))).toBe(true);
  });

  it('leaves nothing running: a process whose client was closed while subscribed exits by itself', async () => {
    await publishNamespace(rt, 'pro', 'push-closing', 'application', { a: '1' });
    const run = await runCloseProbe({ baseUrl: rt.url, token, app: 'push-closing', push: true, pushUrl: push.url, transport: 'push' });
    expect(run, run.output).toMatchObject({ exited: true, code: 0 });
    expect(run.output).toContain('closed closed');
  });
});
