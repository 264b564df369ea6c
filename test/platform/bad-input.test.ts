import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTES } from '../../functions/routes.js';
import type { Family } from '../../functions/shared/families.js';
import type { TestRuntime } from '../helpers/runtime.js';
import { startTestRuntime } from '../helpers/runtime.js';

let rt: TestRuntime;
beforeAll(async () => {
  rt = await startTestRuntime();
});
afterAll(() => rt.close());

/** Names that are `Object.prototype` properties: plain data to API Gateway, so plain data here. */
const PROTOTYPE_NAMES = ['__proto__', 'toString', 'constructor', 'hasOwnProperty', 'valueOf'] as const;

type RawReply = { status: number; headers: Record<string, string | string[] | undefined>; text: string; body: unknown };

/** Sends a request exactly as given: path, query and header names are not normalised by a client library. */
function rawRequest(method: string, path: string, headers: [string, string][] = [], body?: string): Promise<RawReply> {
  const { hostname, port } = new URL(rt.url);
  const flat = ['host', `${hostname}:${port}`, ...headers.flat()];
  if (body !== undefined) flat.push('content-type', 'application/json', 'content-length', String(Buffer.byteLength(body)));
  return new Promise((done, fail) => {
    const req = request({ hostname, port, path, method, headers: flat }, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString()));
      res.on('end', () => {
        let parsed: unknown;
        try {
          parsed = JSON.parse(text);
        } catch {
          parsed = undefined;
        }
        done({ status: res.statusCode ?? 0, headers: res.headers, text, body: parsed });
      });
    });
    req.on('error', fail);
    req.end(body);
  });
}

/** Whether a body is an error (or success) in the family's envelope. */
export function inEnvelope(family: Family, body: unknown): boolean {
  if (typeof body !== 'object' || body === null) return false;
  const b = body as Record<string, unknown>;
  if (family === 'helm') return typeof b.success === 'boolean';
  if (family === 'appstore') return typeof b.ResponseData === 'object';
  return typeof b.code === 'number' && typeof b.message === 'string' && 'data' in b;
}

/** A concrete path for a route row: every `{param}` filled with a name that exists nowhere. */
function concretePath(path: string): string {
  return path.replace(/\{(\w+)\}/g, (_, name: string) => (name === 'env' ? 'dev' : `probe-${name.replace(/_/g, '-')}`));
}

describe('query-string and header names that are Object.prototype properties', () => {
  const token = () => ['authorization', `Bearer ${rt.adminToken}`] as [string, string];
  for (const route of ROUTES) {
    const path = concretePath(route.path);
    const body = route.method === 'POST' || route.method === 'PUT' ? '{}' : undefined;
    it(`${route.method} ${route.path} answers as without them`, async () => {
      const withoutToken = await rawRequest(route.method, path, [], body);
      const withToken = await rawRequest(route.method, path, [token()], body);
      expect(withoutToken.status, withoutToken.text).toBe(route.access === 'public' ? withToken.status : 401);
      for (const name of PROTOTYPE_NAMES) {
        for (const variant of [`${path}?${name}=1`, `${path}?${name}=1&${name}=2`]) {
          const anonymous = await rawRequest(route.method, variant, [], body);
          expect(anonymous.status, `${variant} without token`).toBe(withoutToken.status);
          const authorised = await rawRequest(route.method, variant, [token()], body);
          expect(authorised.status, `${variant} with token`).toBe(withToken.status);
          if (!['/health', '/ready', '/openapi.json'].includes(route.path) || authorised.status >= 400) {
            expect(inEnvelope(route.family, authorised.body), `${variant}: ${authorised.text}`).toBe(true);
          }
        }
        const header = await rawRequest(route.method, path, [token(), [name, 'x']], body);
        expect(header.status, `header ${name}`).toBe(withToken.status);
        const anonymousHeader = await rawRequest(route.method, path, [[name, 'x']], body);
        expect(anonymousHeader.status, `header ${name} without token`).toBe(withoutToken.status);
        expect(inEnvelope(route.family, anonymousHeader.body) || route.access === 'public', anonymousHeader.text).toBe(true);
      }
    });
  }
});

describe('numeric query parameters', () => {
  const NOT_DECIMAL = ['0x10', '1e3', ' 1', '1 ', '1.0', '+5', '-0', '1_000', 'Infinity', '١'];
  const cases = [
    { family: 'kvconfig', path: '/api/v1/envs/dev/apps', names: ['page', 'size'] },
    { family: 'release', path: '/v1/service/probe/instances', names: ['limit', 'offset'] },
    { family: 'release', path: '/v1/instance/probe/version-history', names: ['limit', 'offset'] },
    { family: 'helm', path: '/admin/users', names: ['page', 'page_size'] },
  ] as const;
  for (const { family, path, names } of cases) {
    for (const name of names) {
      it(`refuses ${name} on ${path} unless it is decimal digits`, async () => {
        const good = await rt.call('GET', `${path}?${name}=16`);
        expect(good.status, good.text).not.toBe(400);
        for (const value of NOT_DECIMAL) {
          const reply = await rt.call('GET', `${path}?${name}=${encodeURIComponent(value)}`);
          expect(reply.status, `${name}=${value}`).toBe(400);
          expect(inEnvelope(family, reply.body), reply.text).toBe(true);
          expect(reply.text).toContain(name);
        }
      });
    }
  }
});
