import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestRuntime } from '../helpers/runtime.js';
import { startTestRuntime } from '../helpers/runtime.js';
import { connectPush } from '../helpers/push.js';
import { createNamespace } from './helpers.js';

/**
 * The push functions through the real API Gateway management client (`PUSH_TRANSPORT=sdk`): SigV4-signed
 * PostToConnection and DeleteConnection over HTTP to the local gateway's `@connections` API, as in AWS.
 * (push.test.ts covers the behaviour with the in-process transport the local runtime uses by default.)
 */
let rt: TestRuntime;
beforeAll(async () => {
  rt = await startTestRuntime({ push: { transport: 'sdk' } });
});
afterAll(() => rt.close());

describe('push through the management API client', () => {
  it('answers, tells a publish, and closes a connection whose token was revoked', async () => {
    const p = await createNamespace(rt, 'dev', 'sdk-push');
    await rt.call('POST', p.items, { body: { key: 'k', value: '1' } });
    const first = (await rt.call('POST', p.releases, { body: { operator: 'op' } })).body.data.release_id as string;
    const user = (await rt.call('POST', '/admin/users', { body: { name: 'sdk-client', role: 'config-client' } })).body.data;
    const client = await connectPush(rt.url, user.token);
    const ref = { env: 'dev', appId: 'sdk-push', clusterName: 'default', namespaceName: 'application' };
    client.send({ action: 'subscribe', namespaces: [{ ...ref, releaseKey: first }] });
    expect(await client.next((m) => m.type === 'subscribed')).toMatchObject({ namespaces: [{ ...ref, releaseKey: first }] });
    await rt.call('POST', p.items, { body: { key: 'k', value: '2' } });
    const second = (await rt.call('POST', p.releases, { body: { operator: 'op' } })).body.data.release_id as string;
    expect(await client.next((m) => m.type === 'changed')).toMatchObject({ ...ref, releaseKey: second });

    expect((await rt.call('DELETE', `/admin/users/${user.id}`)).status).toBe(200);
    client.send({ action: 'subscribe', namespaces: [ref] });
    expect(await client.next((m) => m.type === 'error')).toMatchObject({ code: 401 });
    expect((await client.closed).code).toBe(1000);
  });

  it('refuses management API calls without the runtime credentials', async () => {
    const reply = await fetch(`${rt.url}/local/ws/@connections/abc=`, { method: 'POST', body: '{}' });
    expect(reply.status).toBe(401);
  });
});
