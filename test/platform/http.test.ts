import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestRuntime } from '../helpers/runtime.js';
import { rawGet, startTestRuntime } from '../helpers/runtime.js';

let rt: TestRuntime;
beforeAll(async () => {
  rt = await startTestRuntime();
});
afterAll(() => rt.close());

describe('health routes', () => {
  it('GET /health answers OK without a token', async () => {
    const reply = await rt.call('GET', '/health', { token: null });
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({ status: 'OK' });
  });

  it('GET /ready answers Ready while DynamoDB answers', async () => {
    const reply = await rt.call('GET', '/ready', { token: null });
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({ status: 'Ready' });
  });

  it('GET /v1/health answers in the release-system envelope', async () => {
    const reply = await rt.call('GET', '/v1/health', { token: null });
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ code: 200, message: 'success', data: { status: 'healthy', database: 'connected', version: '1.0.0' } });
    expect(reply.body.data.uptime).toMatch(/^\d+h\d+m\d+s$/);
    expect(reply.body.data.timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  });

  it('GET /admin/system/info reports the real helm version and why kubernetes is unknown', async () => {
    const reply = await rt.call('GET', '/admin/system/info');
    expect(reply.status).toBe(200);
    expect(reply.body.success).toBe(true);
    expect(reply.body.data.version).toBe('v1.0.0');
    expect(reply.body.data.helm_version).toMatch(/^v\d+\.\d+\.\d+/);
    expect(reply.body.data.kubernetes_version).toBeNull();
    expect(reply.body.data.unavailable.kubernetes).toContain('no cluster configured');
  });
});

describe('gateway errors', () => {
  it('returns 404 in the family envelope for unknown routes', async () => {
    expect((await rt.call('GET', '/nowhere')).body).toMatchObject({ success: false, error: { code: 'not_found' } });
    const kv = await rt.call('GET', '/api/v1/nowhere');
    expect(kv.status).toBe(404);
    expect(kv.body).toEqual({ code: 404, message: 'no route for GET /api/v1/nowhere', data: null });
    const rel = await rt.call('GET', '/v1/deploy/nowhere/at/all');
    expect(rel.status).toBe(404);
    expect(rel.body).toMatchObject({ code: 40400, data: null });
    const store = await rt.call('GET', '/AppList/extra');
    expect(store.status).toBe(404);
    expect(store.body.ResponseData.Error.Code).toBeTypeOf('string');
  });

  it('returns 405 with Allow for a wrong method', async () => {
    const reply = await rt.call('DELETE', '/health');
    expect(reply.status).toBe(405);
    expect(reply.headers.get('allow')).toBe('GET');
    expect(reply.body).toMatchObject({ success: false, error: { code: 'method_not_allowed' } });
    const rel = await rt.call('POST', '/v1/health');
    expect(rel.status).toBe(405);
    expect(rel.body.code).toBe(40500);
  });

  it('returns 400 for path traversal attempts', async () => {
    for (const path of ['/admin/users/..', '/admin/users/%2e%2e', '/admin/users/..%2F..%2Fetc', '/admin/users/%E0%A4%A', '/admin/../admin/users']) {
      const reply = await rawGet(rt.url, path, rt.adminToken);
      expect(reply.status, path).toBe(400);
      expect(JSON.parse(reply.body).success).toBe(false);
    }
  });
});

describe('request body validation', () => {
  it('returns 400 for malformed JSON, naming the body', async () => {
    const reply = await rt.call('POST', '/admin/users', { rawBody: '{"name": "x",' });
    expect(reply.status).toBe(400);
    expect(reply.body.error.message).toContain('not valid JSON');
  });

  it('returns 400 naming the field for a wrong type', async () => {
    const reply = await rt.call('POST', '/admin/users', { body: { name: 42, role: 'viewer' } });
    expect(reply.status).toBe(400);
    expect(reply.body.error.message).toContain('"name"');
  });

  it('returns 400 for a body over 1 MiB, never a 500', async () => {
    const reply = await rt.call('POST', '/admin/users', { body: { name: 'big', role: 'viewer', padding: 'x'.repeat(1024 * 1024 + 10) } });
    expect(reply.status).toBe(400);
    expect(reply.body.error.message).toContain('1 MiB');
  });

  it('returns 400 when a JSON body is missing', async () => {
    const reply = await rt.call('POST', '/admin/users');
    expect(reply.status).toBe(400);
    expect(reply.body.error.message).toContain('body');
  });

  it('returns 400 for a non-JSON content type', async () => {
    const reply = await rt.call('POST', '/admin/users', { rawBody: 'name=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(reply.status).toBe(400);
  });

  it('returns 400 for a body that is JSON but not an object', async () => {
    const reply = await rt.call('POST', '/admin/users', { rawBody: '[1,2,3]' });
    expect(reply.status).toBe(400);
    expect(reply.text).not.toContain('at ');
  });
});

describe('the API Gateway fallback function', () => {
  it('renders 404 and 405 in the family envelope as the local gateway does', async () => {
    const { handler } = await import('../../functions/health/unmatched.js');
    const event = (httpMethod: string, path: string) => ({ httpMethod, path }) as Parameters<typeof handler>[0];
    const notFound = await handler(event('GET', '/api/v1/nowhere'));
    expect(notFound.statusCode).toBe(404);
    expect(JSON.parse(notFound.body)).toEqual({ code: 404, message: 'no route for GET /api/v1/nowhere', data: null });
    const wrongMethod = await handler(event('DELETE', '/health'));
    expect(wrongMethod.statusCode).toBe(405);
    expect(wrongMethod.headers.allow).toBe('GET');
    const traversal = await handler(event('GET', '/admin/users/%2e%2e'));
    expect(traversal.statusCode).toBe(400);
  });
});
