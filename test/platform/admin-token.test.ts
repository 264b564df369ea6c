import { randomBytes } from 'node:crypto';
import { describe, expect, it, inject } from 'vitest';
import type { Runtime } from '../../local/runtime.js';
import { startRuntime } from '../../local/runtime.js';

/** One table prefix per file: the functions' configuration (table names) is read once per process. */
const tablePrefix = `t${randomBytes(4).toString('hex')}_`;
const start = (adminToken?: string) =>
  startRuntime({ port: 0, dynamodbEndpoint: inject('dynamodbEndpoint'), tablePrefix, logLevel: 'SILENT', ...(adminToken ? { adminToken } : {}) });

async function usersSeenWith(runtime: Runtime, token: string): Promise<{ status: number; names: string[] }> {
  const response = await fetch(`${runtime.url}/admin/users`, { headers: { authorization: `Bearer ${token}` } });
  const body = (await response.json()) as { data?: { users?: { name: string }[] } | { name: string }[] };
  const users = Array.isArray(body.data) ? body.data : (body.data?.users ?? []);
  return { status: response.status, names: users.map((user) => user.name).sort() };
}

describe('ADMIN_TOKEN on a restart', () => {
  it('adds the token as a new admin and never invalidates the token printed on first start', async () => {
    const first = await start();
    const printed = first.generatedAdminToken ?? '';
    expect(printed).toMatch(/^cpt_/);
    expect(first.adminBootstrap).toBe('first admin created (user admin)');
    await first.close();

    const other = `cpt_env_${randomBytes(16).toString('hex')}`;
    const second = await start(other);
    try {
      expect(second.generatedAdminToken).toBeUndefined();
      expect(second.adminBootstrap).toMatch(/^ADMIN_TOKEN: added as admin user admin-env-[0-9a-f]{8}; existing tokens unchanged$/);
      const added = /admin-env-[0-9a-f]{8}/.exec(second.adminBootstrap)?.[0] ?? '';
      for (const token of [printed, other]) expect(await usersSeenWith(second, token)).toEqual({ status: 200, names: ['admin', added] });
    } finally {
      await second.close();
    }

    const third = await start(other);
    try {
      expect(third.adminBootstrap).toMatch(/^ADMIN_TOKEN: already an admin token \(user admin-env-[0-9a-f]{8}\)$/);
      for (const token of [printed, other]) expect((await usersSeenWith(third, token)).names).toHaveLength(2);
    } finally {
      await third.close();
    }

    // Without ADMIN_TOKEN nothing is generated or changed: both admins keep their tokens.
    const fourth = await start();
    try {
      expect(fourth.generatedAdminToken).toBeUndefined();
      expect((await usersSeenWith(fourth, printed)).names).toHaveLength(2);
    } finally {
      await fourth.close();
    }
  });
});
