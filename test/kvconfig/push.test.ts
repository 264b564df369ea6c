import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestRuntime } from '../helpers/runtime.js';
import { startTestRuntime } from '../helpers/runtime.js';
import type { PushMessage } from '../helpers/push.js';
import { connectPush } from '../helpers/push.js';
import { createNamespace } from './helpers.js';

let rt: TestRuntime;
let clientToken: string;
let viewerToken: string;
let agentToken: string;
let dynamo: DynamoDBDocumentClient;
beforeAll(async () => {
  rt = await startTestRuntime();
  dynamo = DynamoDBDocumentClient.from(
    new DynamoDBClient({ region: 'us-east-1', endpoint: rt.dynamodbEndpoint, credentials: { accessKeyId: 'l', secretAccessKey: 'l' } }),
  );
  clientToken = (await rt.call('POST', '/admin/users', { body: { name: 'pusher', role: 'config-client' } })).body.data.token;
  viewerToken = (await rt.call('POST', '/admin/users', { body: { name: 'push-viewer', role: 'viewer' } })).body.data.token;
  agentToken = (await rt.call('POST', '/admin/users', { body: { name: 'push-agent', role: 'agent', service: 'svc' } })).body.data.token;
});
afterAll(() => rt.close());

const ref = (app: string, namespace = 'application') => ({ env: 'dev', appId: app, clusterName: 'default', namespaceName: namespace });
const publish = async (p: { items: string; releases: string }, key: string, value: string) => {
  await rt.call('POST', p.items, { body: { key, value } });
  const reply = await rt.call('POST', p.releases, { body: { operator: 'op' } });
  expect(reply.status).toBe(200);
  return reply.body.data.release_id as string;
};
const changedFor =
  (app: string, releaseKey?: string, namespace = 'application') =>
  (m: PushMessage) =>
    m.type === 'changed' && m.appId === app && m.namespaceName === namespace && (releaseKey === undefined || m.releaseKey === releaseKey);

/** Waits until a condition holds, polling with a deadline. */
async function eventually<T>(read: () => Promise<T>, ok: (value: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (ok(value) || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('push: subscribe and be told', () => {
  it('tells a subscriber the new release key of a publish and of a rollback', async () => {
    const p = await createNamespace(rt, 'dev', 'push-a');
    const first = await publish(p, 'k', '1');
    const client = await connectPush(rt.url, clientToken);
    client.send({ action: 'subscribe', namespaces: [{ ...ref('push-a'), releaseKey: first }] });
    const subscribed = await client.next((m) => m.type === 'subscribed');
    expect(subscribed.namespaces).toEqual([{ ...ref('push-a'), releaseKey: first }]);

    const second = await publish(p, 'k', '2');
    await client.next(changedFor('push-a', second));

    const rolled = (await rt.call('POST', `${p.releases}/${first}/rollback`, { body: { operator: 'op' } })).body.data.release_id as string;
    await client.next(changedFor('push-a', rolled));
    await client.close();
  });

  it('tells a subscriber whose key is stale at once, and one with no key the current release', async () => {
    const p = await createNamespace(rt, 'dev', 'push-b');
    const old = await publish(p, 'k', '1');
    const latest = await publish(p, 'k', '2');
    const client = await connectPush(rt.url, clientToken);
    client.send({ action: 'subscribe', namespaces: [{ ...ref('push-b'), releaseKey: old }] });
    await client.next(changedFor('push-b', latest));
    const fresh = await connectPush(rt.url, clientToken);
    fresh.send({ action: 'subscribe', namespaces: [ref('push-b')] });
    await fresh.next(changedFor('push-b', latest));
    await Promise.all([client.close(), fresh.close()]);
  });

  it('a client that reconnects with its last key misses nothing published while it was away', async () => {
    const p = await createNamespace(rt, 'dev', 'push-c');
    const held = await publish(p, 'k', '1');
    const client = await connectPush(rt.url, clientToken);
    client.send({ action: 'subscribe', namespaces: [{ ...ref('push-c'), releaseKey: held }] });
    await client.next((m) => m.type === 'subscribed');
    await client.close();
    const whileAway = await publish(p, 'k', '2');
    const again = await connectPush(rt.url, clientToken);
    again.send({ action: 'subscribe', namespaces: [{ ...ref('push-c'), releaseKey: held }] });
    await again.next(changedFor('push-c', whileAway));
    // And keeps being told afterwards.
    const next = await publish(p, 'k', '3');
    await again.next(changedFor('push-c', next));
    await again.close();
  });

  it('serves many namespaces on one connection, each told only its own changes', async () => {
    const names = ['ns0', 'ns1', 'ns2', 'ns3', 'ns4'];
    const paths = await Promise.all(names.map((ns) => createNamespace(rt, 'dev', 'push-d', 'default', ns)));
    const keys = await Promise.all(paths.map((p) => publish(p, 'k', '1')));
    const client = await connectPush(rt.url, clientToken);
    client.send({ action: 'subscribe', namespaces: names.map((ns, i) => ({ ...ref('push-d', ns), releaseKey: keys[i] })) });
    const subscribed = await client.next((m) => m.type === 'subscribed');
    expect((subscribed.namespaces as unknown[]).length).toBe(5);
    const changed = await publish(paths[3]!, 'k', '2');
    await client.next(changedFor('push-d', changed, 'ns3'));
    const again = await publish(paths[0]!, 'k', '2');
    await client.next(changedFor('push-d', again, 'ns0'));
    // Delivery is at least once (a stream record of the first publishes may still arrive, repeating a key
    // the client holds): what matters is which new keys were told.
    const told = () => client.messages.filter((m) => m.type === 'changed' && !keys.includes(m.releaseKey as string)).map((m) => m.namespaceName);
    expect([...new Set(told())]).toEqual(['ns3', 'ns0']);
    // Unsubscribing one leaves the others.
    client.send({ action: 'unsubscribe', namespaces: [ref('push-d', 'ns1')] });
    await client.next((m) => m.type === 'unsubscribed');
    await publish(paths[1]!, 'k', '2');
    const last = await publish(paths[2]!, 'k', '2');
    await client.next(changedFor('push-d', last, 'ns2'));
    expect(told()).not.toContain('ns1');
    await client.close();
  });

  it('tells every one of many subscribers', async () => {
    const p = await createNamespace(rt, 'dev', 'push-e');
    const key = await publish(p, 'k', '1');
    const clients = await Promise.all(Array.from({ length: 50 }, () => connectPush(rt.url, clientToken)));
    for (const c of clients) c.send({ action: 'subscribe', namespaces: [{ ...ref('push-e'), releaseKey: key }] });
    await Promise.all(clients.map((c) => c.next((m) => m.type === 'subscribed')));
    const next = await publish(p, 'k', '2');
    await Promise.all(clients.map((c) => c.next(changedFor('push-e', next))));
    await Promise.all(clients.map((c) => c.close()));
  });
});

describe('push: gray releases', () => {
  it('tells a matching subscriber the gray release and a non-matching one nothing, then both the merge', async () => {
    const p = await createNamespace(rt, 'dev', 'push-gray');
    const main = await publish(p, 'a', '1');
    const canary = await connectPush(rt.url, clientToken);
    const byIp = await connectPush(rt.url, clientToken);
    const other = await connectPush(rt.url, clientToken);
    canary.send({ action: 'subscribe', label: 'canary,blue', namespaces: [{ ...ref('push-gray'), releaseKey: main }] });
    byIp.send({ action: 'subscribe', ip: '10.1.2.3', namespaces: [{ ...ref('push-gray'), releaseKey: main }] });
    other.send({ action: 'subscribe', label: 'stable', namespaces: [{ ...ref('push-gray'), releaseKey: main }] });
    await Promise.all([canary, byIp, other].map((c) => c.next((m) => m.type === 'subscribed')));

    expect((await rt.call('POST', `${p.ns}/gray`, { body: { ips: ['10.1.2.3'], labels: ['canary'] } })).status).toBe(200);
    expect((await rt.call('POST', `${p.ns}/gray/items`, { body: { key: 'a', value: 'gray' } })).status).toBe(200);
    const gray = (await rt.call('POST', `${p.ns}/gray/releases`, { body: { operator: 'op' } })).body.data.release_id as string;
    await canary.next(changedFor('push-gray', gray));
    await byIp.next(changedFor('push-gray', gray));

    // A late subscriber matching the rules is served the gray key at once.
    const late = await connectPush(rt.url, clientToken);
    late.send({ action: 'subscribe', label: 'canary', namespaces: [{ ...ref('push-gray'), releaseKey: main }] });
    expect(await late.next((m) => m.type === 'subscribed')).toMatchObject({ namespaces: [{ releaseKey: gray }] });
    await late.next(changedFor('push-gray', gray));

    const merged = (await rt.call('POST', `${p.ns}/gray/merge`, { body: { operator: 'op' } })).body.data.release_id as string;
    await Promise.all([canary, byIp, other].map((c) => c.next(changedFor('push-gray', merged))));
    // The non-matching subscriber saw only the merge, never the gray release.
    expect([...new Set(other.messages.filter((m) => m.type === 'changed' && m.releaseKey !== main).map((m) => m.releaseKey))]).toEqual([merged]);
    await Promise.all([canary, byIp, other, late].map((c) => c.close()));
  });
});

describe('push: who may connect, and bad messages', () => {
  it('refuses a handshake without a valid token (401) and a role that may not read configurations (403)', async () => {
    await expect(connectPush(rt.url, undefined)).rejects.toMatchObject({ status: 401 });
    await expect(connectPush(rt.url, 'cpt_not-a-token')).rejects.toMatchObject({ status: 401 });
    await expect(connectPush(rt.url, agentToken)).rejects.toMatchObject({ status: 403 });
    const viewer = await connectPush(rt.url, viewerToken);
    await viewer.close();
  });

  it('answers bad messages with a 400 error and unknown namespaces with a 404, and keeps the connection', async () => {
    const p = await createNamespace(rt, 'dev', 'push-f');
    const key = await publish(p, 'k', '1');
    const client = await connectPush(rt.url, clientToken);
    client.socket.send('not json');
    expect(await client.next((m) => m.type === 'error')).toMatchObject({ code: 400 });
    client.send({ action: 'dance' });
    expect(await client.next((m) => m.type === 'error')).toMatchObject({ code: 400 });
    client.send({ action: 'subscribe', namespaces: [] });
    expect(await client.next((m) => m.type === 'error')).toMatchObject({ code: 400 });
    client.send({ action: 'subscribe', namespaces: [{ ...ref('push-f'), namespaceName: '../x' }] });
    expect(await client.next((m) => m.type === 'error')).toMatchObject({ code: 400 });
    client.send({ action: 'subscribe', namespaces: [ref('push-f', 'nope'), { ...ref('push-f'), releaseKey: key }] });
    expect(await client.next((m) => m.type === 'subscribed')).toMatchObject({ namespaces: [{ ...ref('push-f'), releaseKey: key }] });
    expect(await client.next((m) => m.type === 'error')).toMatchObject({ code: 404 });
    client.send({ action: 'ping' });
    const next = await publish(p, 'k', '2');
    await client.next(changedFor('push-f', next));
    await client.close();
  });

  it('a connection whose token is revoked is told so and closed at its next subscribe', async () => {
    const user = (await rt.call('POST', '/admin/users', { body: { name: 'short-lived', role: 'config-client' } })).body.data;
    const p = await createNamespace(rt, 'dev', 'push-g');
    await publish(p, 'k', '1');
    const client = await connectPush(rt.url, user.token);
    expect((await rt.call('DELETE', `/admin/users/${user.id}`)).status).toBe(200);
    // The token cache forgets within AUTH_CACHE_SECONDS in other processes; here at once.
    client.send({ action: 'subscribe', namespaces: [ref('push-g')] });
    expect(await client.next((m) => m.type === 'error')).toMatchObject({ code: 401 });
    await client.closed;
  });
});

describe('push: connections are cleaned up', () => {
  it('removes the connection and its subscriptions when the client goes', async () => {
    const p = await createNamespace(rt, 'dev', 'push-h');
    const key = await publish(p, 'k', '1');
    const client = await connectPush(rt.url, clientToken);
    const openBefore = rt.pushConnections();
    client.send({ action: 'subscribe', namespaces: [{ ...ref('push-h'), releaseKey: key }] });
    await client.next((m) => m.type === 'subscribed');
    const subscriber = async () =>
      (await dynamo.send(new GetCommand({ TableName: rt.tables.config, Key: { pk: 'PUSHSUB#dev#push-h#default#application', sk: connectionIdOf() } }))).Item;
    const connectionIdOf = () => connectionIds.at(-1) ?? '';
    const connectionIds: string[] = [];
    // The connection id is only known to the server: find it from the subscriber partition.
    const subs = await dynamo.send(
      new QueryCommand({
        TableName: rt.tables.config,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': 'PUSHSUB#dev#push-h#default#application' },
      }),
    );
    connectionIds.push(...(subs.Items ?? []).map((i) => String(i.sk)));
    expect(connectionIds).toHaveLength(1);
    const connection = await dynamo.send(new GetCommand({ TableName: rt.tables.config, Key: { pk: `PUSH#${connectionIdOf()}`, sk: 'CONN' } }));
    expect(connection.Item?.expires_at).toBeGreaterThan(Date.now() / 1000 + 7000);
    await client.close();
    expect(await eventually(subscriber, (item) => item === undefined)).toBeUndefined();
    const connectionItem = () =>
      dynamo.send(new GetCommand({ TableName: rt.tables.config, Key: { pk: `PUSH#${connectionIdOf()}`, sk: 'CONN' } })).then((r) => r.Item);
    expect(await eventually(connectionItem, (item) => item === undefined)).toBeUndefined();
    expect(
      await eventually(
        async () => rt.pushConnections(),
        (n) => n === openBefore - 1,
      ),
    ).toBe(openBefore - 1);
  });

  it('a fan-out that finds a connection gone (410) removes it and its subscriptions, and still tells the others', async () => {
    const p = await createNamespace(rt, 'dev', 'push-i');
    const key = await publish(p, 'k', '1');
    // A connection API Gateway no longer has (its $disconnect was lost): the management API answers 410.
    const ghost = 'Z2hvc3QtY29ubmVjdGlvbg=';
    const expires = Math.floor(Date.now() / 1000) + 3600;
    await dynamo.send(
      new PutCommand({
        TableName: rt.tables.config,
        Item: {
          pk: `PUSH#${ghost}`,
          sk: 'CONN',
          user_id: 'u',
          token_hash: 'h',
          ip: '10.0.0.9',
          namespaces: new Set(['dev#push-i#default#application']),
          expires_at: expires,
        },
      }),
    );
    await dynamo.send(
      new PutCommand({ TableName: rt.tables.config, Item: { pk: 'PUSHSUB#dev#push-i#default#application', sk: ghost, ip: '10.0.0.9', expires_at: expires } }),
    );
    const live = await connectPush(rt.url, clientToken);
    live.send({ action: 'subscribe', namespaces: [{ ...ref('push-i'), releaseKey: key }] });
    await live.next((m) => m.type === 'subscribed');
    const next = await publish(p, 'k', '2');
    await live.next(changedFor('push-i', next));
    const ghostItem = () => dynamo.send(new GetCommand({ TableName: rt.tables.config, Key: { pk: `PUSH#${ghost}`, sk: 'CONN' } })).then((r) => r.Item);
    expect(await eventually(ghostItem, (item) => item === undefined)).toBeUndefined();
    const sub = await dynamo.send(new GetCommand({ TableName: rt.tables.config, Key: { pk: 'PUSHSUB#dev#push-i#default#application', sk: ghost } }));
    expect(sub.Item).toBeUndefined();
    await live.close();
  });
});
