import { randomBytes } from 'node:crypto';
import { describe, expect, it, inject } from 'vitest';
import { startRuntime } from '../../local/runtime.js';

describe('ADMIN_TOKEN on a fresh installation', () => {
  it('makes the token the first admin, named admin', async () => {
    const token = `cpt_fresh_${randomBytes(16).toString('hex')}`;
    const tablePrefix = `t${randomBytes(4).toString('hex')}_`;
    const runtime = await startRuntime({ port: 0, dynamodbEndpoint: inject('dynamodbEndpoint'), tablePrefix, logLevel: 'SILENT', adminToken: token });
    try {
      expect(runtime.adminBootstrap).toBe('ADMIN_TOKEN: added as admin user admin; existing tokens unchanged');
      const response = await fetch(`${runtime.url}/admin/users`, { headers: { authorization: `Bearer ${token}` } });
      expect(response.status).toBe(200);
      expect(JSON.stringify(await response.json())).toContain('"name":"admin"');
    } finally {
      await runtime.close();
    }
  });
});
