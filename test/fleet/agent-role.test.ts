import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PackageServer } from '../helpers/packages.js';
import { startPackageServer } from '../helpers/packages.js';
import type { Reply, TestRuntime } from '../helpers/runtime.js';
import { startTestRuntime } from '../helpers/runtime.js';
import { createAgentToken, until, untilEnded } from './helpers.js';

/**
 * The `agent` role through HTTP: an agent token may call only the `/v1/agent/*` routes, and only for
 * the one service it is bound to. The agents here are driven by hand (each call is one request), so
 * every refusal can be checked for changing nothing.
 */
let rt: TestRuntime;
let pkg: PackageServer;
const tokens = { orders: '', payments: '', operator: '', viewer: '', 'config-client': '' };

const register = (token: string, service: string, instance: string) =>
  rt.call('POST', '/v1/agent/register', { token, body: { service, instance_id: instance, host: '10.0.0.1', port: 8080, version: 'v1.0.0' } });
const heartbeat = (token: string, service: string, instance: string) =>
  rt.call('POST', '/v1/agent/heartbeat', { token, body: { service, instance_id: instance, version: 'v1.0.0', state: 'running' } });
const poll = (token: string, service: string, instance: string) =>
  rt.call('GET', `/v1/agent/commands?service=${service}&instance_id=${instance}&wait=0`, { token });

function expectForbidden(reply: Reply, message: string | RegExp) {
  expect(reply.status, reply.text).toBe(403);
  expect(reply.body).toMatchObject({ code: 40300, data: null });
  expect(reply.body.message).toMatch(message);
}

beforeAll(async () => {
  pkg = await startPackageServer();
  rt = await startTestRuntime({ packageCaFile: pkg.caFile });
  tokens.orders = await createAgentToken(rt, 'orders');
  tokens.payments = await createAgentToken(rt, 'payments');
  for (const role of ['operator', 'viewer', 'config-client'] as const) {
    const created = await rt.call('POST', '/admin/users', { body: { name: `agent-role-${role}`, role } });
    expect(created.status, created.text).toBe(201);
    tokens[role] = created.body.data.token as string;
  }
  expect((await register(tokens.orders, 'orders', 'orders-1')).status).toBe(200);
  expect((await register(tokens.payments, 'payments', 'payments-1')).status).toBe(200);
});
afterAll(async () => {
  await rt?.close();
  await pkg?.stop();
});

describe('an agent token on routes other than the agent routes', () => {
  const requests: [string, string, string, unknown?][] = [
    [
      'release',
      'POST',
      '/v1/deploy/execute',
      { service: 'orders', version: 'v2', instances: ['orders-1'], package_url: 'https://example.com/p.tgz', deploy_id: 'd-agent' },
    ],
    ['release', 'GET', '/v1/service/orders/instances'],
    ['release', 'POST', '/v1/rollback/instance', { instance_id: 'orders-1', target_version: 'v0' }],
    ['kvconfig', 'POST', '/api/v1/envs/prod/apps', { name: 'shop' }],
    ['kvconfig', 'GET', '/api/v1/envs/prod/apps/shop/clusters/main/namespaces/web/configs'],
    ['helm', 'GET', '/admin/users'],
    ['helm', 'POST', '/admin/users', { name: 'escalate', role: 'admin' }],
  ];
  for (const [family, method, path, body] of requests)
    it(`returns 403 in the ${family} envelope for ${method} ${path}`, async () => {
      const reply = await rt.call(method, path, { token: tokens.orders, body });
      expect(reply.status, reply.text).toBe(403);
      if (family === 'release') expect(reply.body).toMatchObject({ code: 40300, data: null });
      if (family === 'kvconfig') expect(reply.body).toMatchObject({ code: 403, data: null });
      if (family === 'helm') expect(reply.body).toMatchObject({ success: false, error: { code: 'forbidden' } });
      expect(JSON.stringify(reply.body)).toContain('agent token may call only the /v1/agent/* routes');
    });

  it('leaves nothing behind: the refused deployment does not exist', async () => {
    expect((await rt.call('GET', '/v1/deploy/status/d-agent')).status).toBe(404);
  });
});

describe('other roles on the agent routes', () => {
  for (const role of ['operator', 'viewer', 'config-client'] as const)
    it(`returns 403 when a ${role} token registers, heartbeats or polls`, async () => {
      for (const reply of [
        await register(tokens[role], 'orders', 'orders-9'),
        await heartbeat(tokens[role], 'orders', 'orders-1'),
        await poll(tokens[role], 'orders', 'orders-1'),
        await rt.call('POST', '/v1/agent/commands/cmd-abc/ack', { token: tokens[role], body: {} }),
      ])
        expectForbidden(reply, /only agent tokens \(and admin\) may call the deploy agent routes/);
      expect((await rt.call('GET', '/v1/service/orders/instances')).body.data.total).toBe(1);
    });

  it('lets admin register, heartbeat and poll for any service', async () => {
    expect((await register(rt.adminToken, 'orders', 'orders-admin')).status).toBe(200);
    expect((await heartbeat(rt.adminToken, 'orders', 'orders-admin')).status).toBe(200);
    const polled = await poll(rt.adminToken, 'payments', 'payments-1');
    expect(polled.status, polled.text).toBe(200);
    expect(polled.body.data).toEqual({ commands: [] });
  });
});

describe('an agent token of another service', () => {
  it('returns 403 for registering, heartbeating or polling an instance of that service, and registers nothing', async () => {
    expectForbidden(
      await register(tokens.orders, 'payments', 'payments-2'),
      /bound to service orders; it may not register instance payments-2 of service payments/,
    );
    expectForbidden(await heartbeat(tokens.orders, 'payments', 'payments-1'), /bound to service orders/);
    expectForbidden(await poll(tokens.orders, 'payments', 'payments-1'), /bound to service orders; it may not poll commands for instance payments-1/);
    const instances = await rt.call('GET', '/v1/service/payments/instances');
    expect(instances.body.data.instances.map((i: { instance_id: string }) => i.instance_id)).toEqual(['payments-1']);
  });

  it('returns 403 for acking or answering a command of that service, and the command stays answerable by its own agent', async () => {
    const release = pkg.addPackage('v2.0.0', { 'app.txt': '2.0.0' });
    const started = await rt.call('POST', '/v1/deploy/execute', {
      body: { service: 'payments', version: 'v2.0.0', instances: ['payments-1'], package_url: release.url, deploy_id: 'deploy-payments-1', retry_count: 0 },
    });
    expect(started.status, started.text).toBe(200);
    const queued = await until(
      () => poll(tokens.payments, 'payments', 'payments-1'),
      (r) => r.body?.data?.commands?.length === 1,
    );
    const commandId = queued.body.data.commands[0].command_id as string;
    const path = `/v1/agent/commands/${commandId}`;

    expectForbidden(await rt.call('POST', `${path}/ack`, { token: tokens.orders, body: {} }), /bound to service orders; it may not acknowledge command/);
    expectForbidden(await rt.call('POST', `${path}/progress`, { token: tokens.orders, body: { message: 'hi' } }), /may not report progress on command/);
    expectForbidden(
      await rt.call('POST', `${path}/result`, { token: tokens.orders, body: { status: 'failed', version: 'v2.0.0', error_message: 'forged' } }),
      /may not report the result of command/,
    );

    // Nothing changed: the command is still queued for its agent and the deployment still waits.
    expect((await poll(tokens.payments, 'payments', 'payments-1')).body.data.commands.map((c: { command_id: string }) => c.command_id)).toEqual([commandId]);
    expect((await rt.call('GET', '/v1/deploy/status/deploy-payments-1')).body.data.status).toBe('in_progress');

    expect((await rt.call('POST', `${path}/ack`, { token: tokens.payments, body: {} })).status).toBe(200);
    expect((await rt.call('POST', `${path}/progress`, { token: tokens.payments, body: { message: 'unpacking' } })).status).toBe(200);
    const answered = await rt.call('POST', `${path}/result`, { token: tokens.payments, body: { status: 'completed', version: 'v2.0.0', output_tail: 'ok' } });
    expect(answered.status, answered.text).toBe(200);
    const status = await untilEnded(rt, '/v1/deploy/status/deploy-payments-1');
    expect(status).toMatchObject({ status: 'completed', progress: { total: 1, completed: 1, failed: 0 } });
    expect(status.instances[0]).toMatchObject({ instance_id: 'payments-1', status: 'completed', error_message: null });
  });
});
