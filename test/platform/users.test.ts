import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestRuntime } from '../helpers/runtime.js';
import { startTestRuntime } from '../helpers/runtime.js';

let rt: TestRuntime;
const tokens: Record<string, string> = {};

beforeAll(async () => {
  rt = await startTestRuntime();
  for (const role of ['operator', 'viewer', 'config-client'] as const) {
    const created = await rt.call('POST', '/admin/users', { body: { name: `matrix-${role}`, role } });
    expect(created.status).toBe(201);
    tokens[role] = created.body.data.token;
  }
  const agent = await rt.call('POST', '/admin/users', { body: { name: 'matrix-agent', role: 'agent', service: 'orders' } });
  expect(agent.status).toBe(201);
  tokens.agent = agent.body.data.token;
  tokens.admin = rt.adminToken;
});
afterAll(() => rt.close());

describe('/admin/users auth matrix', () => {
  const requests: [string, (id: string) => string, unknown?][] = [
    ['GET', () => '/admin/users'],
    ['POST', () => '/admin/users', { name: 'someone', role: 'viewer' }],
    ['GET', (id) => `/admin/users/${id}`],
    ['PUT', (id) => `/admin/users/${id}`, { role: 'viewer' }],
    ['DELETE', (id) => `/admin/users/${id}`],
  ];

  for (const role of ['operator', 'viewer', 'config-client', 'agent']) {
    for (const [method, path, body] of requests) {
      it(`returns 403 in the helm envelope when a ${role} calls ${method} ${path(':id')}`, async () => {
        const reply = await rt.call(method, path('usr-x'), { token: tokens[role] ?? '', body });
        expect(reply.status).toBe(403);
        expect(reply.body).toMatchObject({ success: false, error: { code: 'forbidden' } });
        expect(reply.body.error.message).toContain(role);
      });
    }
  }

  for (const [method, path, body] of requests) {
    it(`returns 401 without a token for ${method} ${path(':id')}`, async () => {
      const reply = await rt.call(method, path('usr-x'), { token: null, body });
      expect(reply.status).toBe(401);
      expect(reply.body).toMatchObject({ success: false, error: { code: 'unauthorized' } });
    });
    it(`returns 401 with an unknown token for ${method} ${path(':id')}`, async () => {
      const reply = await rt.call(method, path('usr-x'), { token: 'cpt_not-a-real-token', body });
      expect(reply.status).toBe(401);
    });
  }

  it('lets an admin do every user operation', async () => {
    const created = await rt.call('POST', '/admin/users', { body: { name: 'full-cycle', role: 'viewer' } });
    expect(created.status).toBe(201);
    const id = created.body.data.id;
    expect((await rt.call('GET', '/admin/users')).status).toBe(200);
    expect((await rt.call('GET', `/admin/users/${id}`)).status).toBe(200);
    expect((await rt.call('PUT', `/admin/users/${id}`, { body: { role: 'operator' } })).status).toBe(200);
    expect((await rt.call('DELETE', `/admin/users/${id}`)).status).toBe(200);
    expect((await rt.call('GET', `/admin/users/${id}`)).status).toBe(404);
  });
});

describe('user tokens', () => {
  it('returns the token once at creation and never in reads', async () => {
    const created = await rt.call('POST', '/admin/users', { body: { name: 'once', role: 'viewer' } });
    expect(created.body.data.token).toMatch(/^cpt_/);
    const read = await rt.call('GET', `/admin/users/${created.body.data.id}`);
    expect(read.text).not.toContain(created.body.data.token);
    expect(read.body.data).not.toHaveProperty('token');
    expect(read.body.data).not.toHaveProperty('token_hash');
    const list = await rt.call('GET', '/admin/users');
    expect(list.text).not.toContain(created.body.data.token);
  });

  it('the new token works for the role at once', async () => {
    const created = await rt.call('POST', '/admin/users', { body: { name: 'reader', role: 'viewer' } });
    const asViewer = await rt.call('GET', '/openapi.json', { token: created.body.data.token });
    expect(asViewer.status).toBe(200);
  });

  it('rotation returns a new token once and revokes the old one', async () => {
    const created = await rt.call('POST', '/admin/users', { body: { name: 'rotator', role: 'admin' } });
    const oldToken = created.body.data.token;
    expect((await rt.call('GET', '/admin/users', { token: oldToken })).status).toBe(200);
    const rotated = await rt.call('PUT', `/admin/users/${created.body.data.id}`, { body: { rotate_token: true } });
    expect(rotated.status).toBe(200);
    const newToken = rotated.body.data.token;
    expect(newToken).toMatch(/^cpt_/);
    expect(newToken).not.toBe(oldToken);
    expect((await rt.call('GET', '/admin/users', { token: oldToken })).status).toBe(401);
    expect((await rt.call('GET', '/admin/users', { token: newToken })).status).toBe(200);
    const read = await rt.call('GET', `/admin/users/${created.body.data.id}`);
    expect(read.body.data).not.toHaveProperty('token');
  });

  it('a role change applies to the existing token', async () => {
    const created = await rt.call('POST', '/admin/users', { body: { name: 'promoted', role: 'viewer' } });
    expect((await rt.call('GET', '/admin/users', { token: created.body.data.token })).status).toBe(403);
    await rt.call('PUT', `/admin/users/${created.body.data.id}`, { body: { role: 'admin' } });
    expect((await rt.call('GET', '/admin/users', { token: created.body.data.token })).status).toBe(200);
  });

  it('a deleted user token stops working', async () => {
    const created = await rt.call('POST', '/admin/users', { body: { name: 'leaver', role: 'viewer' } });
    await rt.call('DELETE', `/admin/users/${created.body.data.id}`);
    expect((await rt.call('GET', '/openapi.json', { token: created.body.data.token })).status).toBe(401);
  });
});

describe('user validation and conflicts', () => {
  it('returns 409 when the name is taken', async () => {
    await rt.call('POST', '/admin/users', { body: { name: 'dup', role: 'viewer' } });
    const again = await rt.call('POST', '/admin/users', { body: { name: 'dup', role: 'operator' } });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('conflict');
  });

  it('returns 400 naming the field for an unknown role', async () => {
    const reply = await rt.call('POST', '/admin/users', { body: { name: 'x', role: 'root' } });
    expect(reply.status).toBe(400);
    expect(reply.body.error.code).toBe('validation_failed');
    expect(reply.body.error.message).toContain('role');
  });

  it('returns 400 naming the field for an over-long name', async () => {
    const reply = await rt.call('POST', '/admin/users', { body: { name: 'n'.repeat(65), role: 'viewer' } });
    expect(reply.status).toBe(400);
    expect(reply.body.error.message).toContain('name');
  });

  it('returns 400 for an empty update', async () => {
    const created = await rt.call('POST', '/admin/users', { body: { name: 'idle', role: 'viewer' } });
    const reply = await rt.call('PUT', `/admin/users/${created.body.data.id}`, { body: {} });
    expect(reply.status).toBe(400);
  });

  it('returns 404 for an unknown user', async () => {
    const reply = await rt.call('GET', '/admin/users/usr-unknown');
    expect(reply.status).toBe(404);
    expect(reply.body).toMatchObject({ success: false, error: { code: 'not_found' } });
  });

  it('paginates the list with a total', async () => {
    const reply = await rt.call('GET', '/admin/users?page=1&page_size=2');
    expect(reply.status).toBe(200);
    expect(reply.body.data).toHaveLength(2);
    expect(reply.body.pagination).toMatchObject({ page: 1, page_size: 2 });
    expect(reply.body.pagination.total).toBeGreaterThan(2);
    expect((await rt.call('GET', '/admin/users?page=0')).status).toBe(400);
    expect((await rt.call('GET', '/admin/users?page_size=1000')).status).toBe(400);
  });
});

describe('agent users and their service', () => {
  it('creates an agent user bound to its service and shows the service', async () => {
    const created = await rt.call('POST', '/admin/users', { body: { name: 'agent-cart', role: 'agent', service: 'cart' } });
    expect(created.status, created.text).toBe(201);
    expect(created.body.data).toMatchObject({ name: 'agent-cart', role: 'agent', service: 'cart' });
    expect(created.body.data.token).toMatch(/^cpt_/);
    expect((await rt.call('GET', `/admin/users/${created.body.data.id}`)).body.data).toMatchObject({ role: 'agent', service: 'cart' });
  });

  it('returns 400 naming service when an agent user has none', async () => {
    const reply = await rt.call('POST', '/admin/users', { body: { name: 'agent-nowhere', role: 'agent' } });
    expect(reply.status).toBe(400);
    expect(reply.body).toMatchObject({ success: false, error: { code: 'validation_failed', details: [{ field: 'service' }] } });
    expect(reply.body.error.message).toContain('"service"');
    expect((await rt.call('GET', '/admin/users?page_size=100')).body.data.map((u: { name: string }) => u.name)).not.toContain('agent-nowhere');
  });

  it('returns 400 naming service when another role is given one', async () => {
    for (const role of ['admin', 'operator', 'viewer', 'config-client']) {
      const reply = await rt.call('POST', '/admin/users', { body: { name: `svc-${role}`, role, service: 'cart' } });
      expect(reply.status, role).toBe(400);
      expect(reply.body.error.message).toContain('"service"');
    }
  });

  it('returns 400 for a service that is not a service name', async () => {
    const reply = await rt.call('POST', '/admin/users', { body: { name: 'agent-bad', role: 'agent', service: '../etc' } });
    expect(reply.status).toBe(400);
    expect(reply.body.error.message).toContain('service');
  });

  it('checks service against the role an update leaves the user with', async () => {
    const viewer = await rt.call('POST', '/admin/users', { body: { name: 'becomes-agent', role: 'viewer' } });
    const id = viewer.body.data.id as string;
    const noService = await rt.call('PUT', `/admin/users/${id}`, { body: { role: 'agent' } });
    expect(noService.status).toBe(400);
    expect(noService.body.error).toMatchObject({ code: 'validation_failed', details: [{ field: 'service' }] });
    expect((await rt.call('PUT', `/admin/users/${id}`, { body: { service: 'cart' } })).status).toBe(400);
    const promoted = await rt.call('PUT', `/admin/users/${id}`, { body: { role: 'agent', service: 'cart' } });
    expect(promoted.status, promoted.text).toBe(200);
    expect(promoted.body.data).toMatchObject({ role: 'agent', service: 'cart' });
    // Moved to another service: its token now acts for that one only.
    expect((await rt.call('PUT', `/admin/users/${id}`, { body: { service: 'orders' } })).body.data).toMatchObject({ role: 'agent', service: 'orders' });
    const token = viewer.body.data.token as string;
    const register = (service: string) => rt.call('POST', '/v1/agent/register', { token, body: { service, instance_id: `${service}-moved` } });
    expect((await register('cart')).status).toBe(403);
    expect((await register('orders')).status).toBe(200);
    // Leaving the agent role drops the service.
    const demoted = await rt.call('PUT', `/admin/users/${id}`, { body: { role: 'viewer' } });
    expect(demoted.status).toBe(200);
    expect(demoted.body.data).not.toHaveProperty('service');
    expect((await rt.call('PUT', `/admin/users/${id}`, { body: { role: 'viewer', service: 'cart' } })).status).toBe(400);
  });
});

describe('last admin protection', () => {
  it('refuses to delete or demote the last admin, even under concurrent demotions', async () => {
    const users = (await rt.call('GET', '/admin/users?page_size=100')).body.data as { id: string; role: string; name: string }[];
    const admins = users.filter((u) => u.role === 'admin');
    // Leave exactly two admins, then demote both at once: one demotion must fail.
    const keep = admins.find((u) => u.name === 'admin');
    const second = await rt.call('POST', '/admin/users', { body: { name: 'second-admin', role: 'admin' } });
    for (const admin of admins) {
      if (admin.id !== keep?.id) await rt.call('PUT', `/admin/users/${admin.id}`, { body: { role: 'viewer' } });
    }
    const secondToken = second.body.data.token;
    const results = await Promise.all([
      rt.call('PUT', `/admin/users/${keep?.id}`, { body: { role: 'viewer' }, token: secondToken }),
      rt.call('PUT', `/admin/users/${second.body.data.id}`, { body: { role: 'operator' }, token: secondToken }),
    ]);
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([200, 409]);
    const remaining = ((await rt.call('GET', '/admin/users?page_size=100', { token: secondToken })).body?.data ??
      (await rt.call('GET', '/admin/users?page_size=100')).body.data) as { id: string; role: string }[];
    const lastAdmin = remaining.filter((u) => u.role === 'admin');
    expect(lastAdmin).toHaveLength(1);
    const lastId = lastAdmin[0]?.id ?? '';
    const lastToken = lastId === second.body.data.id ? secondToken : rt.adminToken;
    const del = await rt.call('DELETE', `/admin/users/${lastId}`, { token: lastToken });
    expect(del.status).toBe(409);
    expect(del.body.error.message).toContain('last admin');
    const demote = await rt.call('PUT', `/admin/users/${lastId}`, { body: { role: 'viewer' }, token: lastToken });
    expect(demote.status).toBe(409);
  });
});
