import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTES } from '../../functions/routes.js';
import type { TestRuntime } from '../helpers/runtime.js';
import { startTestRuntime } from '../helpers/runtime.js';

/**
 * The role matrix on every app store route, from the route table: a role below the route's gets
 * `AuthFailure.Forbidden` (HTTP 404, the document's envelope), no token `AuthFailure.TokenFailure`.
 */
let rt: TestRuntime;
const tokens: Record<string, string> = {};
const RANK = ['config-client', 'viewer', 'operator', 'admin'];

beforeAll(async () => {
  rt = await startTestRuntime();
  for (const role of ['operator', 'viewer', 'config-client'] as const) {
    tokens[role] = (await rt.call('POST', '/admin/users', { body: { name: `store-${role}`, role } })).body.data.token;
  }
  tokens.agent = (await rt.call('POST', '/admin/users', { body: { name: 'store-agent', role: 'agent', service: 'orders' } })).body.data.token;
});
afterAll(() => rt.close());

const storeRoutes = ROUTES.filter((r) => r.family === 'appstore');

describe('the app store role matrix', () => {
  it('covers the document routes and the lifecycle routes', () => {
    expect(storeRoutes.map((r) => r.path)).toEqual(expect.arrayContaining(['/AppInstall', '/AppStatus', '/AppList', '/AppStop', '/AppCancel', '/AppLogs']));
  });

  for (const route of storeRoutes) {
    for (const role of ['config-client', 'agent', 'viewer', 'operator']) {
      const allowed = role !== 'agent' && RANK.indexOf(role) >= RANK.indexOf(route.access);
      if (allowed) continue;
      it(`answers AuthFailure.Forbidden when a ${role} calls ${route.method} ${route.path}`, async () => {
        const reply = await rt.call(route.method, route.path, {
          token: tokens[role] ?? '',
          headers: { Version: '1.0', Language: 'en-US' },
          body: route.method === 'GET' ? undefined : {},
        });
        expect(reply.status).toBe(404);
        expect(reply.body.ResponseData.Error.Code).toBe('AuthFailure.Forbidden');
      });
    }
    it(`answers AuthFailure.TokenFailure without a token on ${route.method} ${route.path}`, async () => {
      const reply = await rt.call(route.method, route.path, { token: null, headers: { Version: '1.0', Language: 'en-US' } });
      expect(reply.body.ResponseData.Error.Code).toBe('AuthFailure.TokenFailure');
    });
  }
});
