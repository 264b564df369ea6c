import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTES } from '../../functions/routes.js';
import type { TestRuntime } from '../helpers/runtime.js';
import { startTestRuntime } from '../helpers/runtime.js';

/**
 * The role matrix on every route of the Helm application API (CONTRACTS.md): reads for `viewer`,
 * writes for `operator`, `/admin/*` for `admin`; `config-client` and `agent` reach none of them.
 * Built from the route table, so a new route is covered the day it is added.
 */
let rt: TestRuntime;
const tokens: Record<string, string> = {};

beforeAll(async () => {
  rt = await startTestRuntime();
  for (const role of ['operator', 'viewer', 'config-client'] as const) {
    tokens[role] = (await rt.call('POST', '/admin/users', { body: { name: `roles-${role}`, role } })).body.data.token;
  }
  tokens.agent = (await rt.call('POST', '/admin/users', { body: { name: 'roles-agent', role: 'agent', service: 'orders' } })).body.data.token;
});
afterAll(() => rt.close());

const helmRoutes = ROUTES.filter((r) => r.family === 'helm' && r.access !== 'public' && !r.path.startsWith('/admin/users'));
const concrete = (path: string) =>
  path
    .replace(/\{projectId\}/g, 'p1')
    .replace(/\{appId\}/g, 'p1:x')
    .replace(/\{action\}/g, 'restart')
    .replace(/\{[^}]+\}/g, 'x');
const allowedRoles = (access: string, method: string) =>
  access === 'admin'
    ? ['admin']
    : access === 'operator'
      ? ['admin', 'operator']
      : access === 'viewer' && method === 'GET'
        ? ['admin', 'operator', 'viewer']
        : ['admin'];

describe('the Helm API role matrix', () => {
  it('covers the app routes', () => {
    expect(helmRoutes.filter((r) => r.path.startsWith('/v3/') || r.path.startsWith('/v1/apps')).length).toBeGreaterThanOrEqual(17);
  });

  for (const route of helmRoutes) {
    const denied = ['operator', 'viewer', 'config-client', 'agent'].filter((role) => !allowedRoles(route.access, route.method).includes(role));
    for (const role of denied) {
      it(`answers 403 when a ${role} calls ${route.method} ${route.path}`, async () => {
        const reply = await rt.call(route.method, concrete(route.path), { token: tokens[role] ?? '', body: route.method === 'GET' ? undefined : {} });
        expect(reply.status).toBe(403);
        expect(reply.body).toMatchObject({ success: false, error: { code: 'forbidden' } });
      });
    }
    if (route.method === 'GET' && route.access === 'viewer') {
      it(`lets a viewer read ${route.path}`, async () => {
        const reply = await rt.call('GET', concrete(route.path), { token: tokens.viewer ?? '' });
        expect([401, 403]).not.toContain(reply.status);
      });
    }
  }

  it('answers 401 without a token', async () => {
    expect((await rt.call('GET', '/v3/projects/p1/app', { token: null })).status).toBe(401);
  });
});
