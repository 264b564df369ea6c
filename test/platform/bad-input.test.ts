import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTES } from '../../functions/routes.js';
import { createGateway } from '../../local/gateway.js';
import { lambdaContext } from '../../local/lambda-context.js';
import { createNamespace } from '../kvconfig/helpers.js';
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
      // The app store answers every error with HTTP 404 (app-store.md), the code tells which.
      expect(withoutToken.status, withoutToken.text).toBe(route.access === 'public' ? withToken.status : route.family === 'appstore' ? 404 : 401);
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

describe('the family of an error answer', () => {
  it('is chosen from the path alone when the path carries a query string', async () => {
    // A route whose handler module cannot load: the gateway itself answers 500.
    const gateway = createGateway({
      routes: [{ method: 'GET', path: '/v1/stats', entry: 'fleet/no-such-handler', access: 'public', family: 'release', summary: 'broken on purpose' }],
    });
    const server = createServer((req, res) => void gateway(req, res));
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    try {
      const { port } = server.address() as AddressInfo;
      for (const target of ['/v1/stats', '/v1/stats?period=1h', '/v1/stats?next=/admin/users']) {
        const reply = await fetch(`http://127.0.0.1:${port}${target}`);
        expect(reply.status, target).toBe(500);
        expect(await reply.json(), target).toEqual({ code: 50000, message: 'internal server error', data: null });
      }
    } finally {
      server.closeAllConnections();
      await new Promise((done) => server.close(done));
    }
  });

  it('is the path family for 404s with a query string', async () => {
    const reply = await rt.call('GET', '/v1/deploy/nowhere/at/all?x=1');
    expect(reply.status).toBe(404);
    expect(reply.body).toMatchObject({ code: 40400, data: null });
  });
});

describe('oversized request lines and headers', () => {
  const cases = [
    { family: 'release', path: '/v1/stats' },
    { family: 'kvconfig', path: '/api/v1/envs/dev/apps' },
    { family: 'helm', path: '/admin/users' },
    { family: 'appstore', path: '/AppList' },
  ] as const;
  for (const { family, path } of cases) {
    it(`answers 414 in the ${family} envelope for a 100,000-character query string`, async () => {
      const reply = await rawRequest('GET', `${path}?q=${'a'.repeat(100_000)}`, [['authorization', `Bearer ${rt.adminToken}`]]);
      expect(reply.status).toBe(family === 'appstore' ? 404 : 414);
      expect(inEnvelope(family, reply.body), reply.text.slice(0, 200)).toBe(true);
      expect(reply.text).toContain('10240 bytes');
    });

    it(`answers 431 in the ${family} envelope when the headers pass 10,240 bytes`, async () => {
      const headers: [string, string][] = Array.from({ length: 12 }, (_, i) => [`x-filler-${i}`, 'b'.repeat(1000)]);
      const reply = await rawRequest('GET', path, [['authorization', `Bearer ${rt.adminToken}`], ...headers]);
      expect(reply.status).toBe(family === 'appstore' ? 404 : 431);
      expect(inEnvelope(family, reply.body), reply.text.slice(0, 200)).toBe(true);
    });
  }

  it('serves a request just within the limits', async () => {
    const reply = await rawRequest('GET', `/v1/stats?q=${'a'.repeat(9_000)}`, [['authorization', `Bearer ${rt.adminToken}`]]);
    expect(reply.status).toBe(200);
  });

  it('answers JSON even past what the HTTP server reads (headers over 1 MiB)', async () => {
    const reply = await rawRequest('GET', '/v1/stats', [['x-filler', 'c'.repeat(2 * 1024 * 1024)]]);
    expect(reply.status).toBe(431);
    expect(inEnvelope('helm', reply.body), reply.text.slice(0, 200)).toBe(true);
  });
});

describe('path values: traversal and control characters', () => {
  const REFUSED = ['..', '%2e%2e', '%2E.', '..%2F..%2Fetc', 'a%2F..%2Fb', '..%5Cwin', '%00', 'a%00b', 'a%0Ab', 'a%7Fb', '%C2%85'];
  const ACCEPTED = ['a%2Fb', 'a..b', '...', 'db.host', '%E9%85%8D%E7%BD%AE'];
  let ns: Awaited<ReturnType<typeof createNamespace>>;
  beforeAll(async () => {
    ns = await createNamespace(rt, 'dev', 'paths');
  });
  const auth = (): [string, string][] => [['authorization', `Bearer ${rt.adminToken}`]];

  it('answers 400 in the kvconfig envelope for a traversing or control-character {key}', async () => {
    for (const value of REFUSED) {
      for (const method of ['GET', 'DELETE']) {
        const reply = await rawRequest(method, `${ns.items}/${value}`, auth());
        expect(reply.status, `${method} ${value}`).toBe(400);
        expect(reply.body, value).toMatchObject({ code: 400, data: null });
      }
    }
    for (const value of ACCEPTED) {
      const reply = await rawRequest('GET', `${ns.items}/${value}`, auth());
      expect(reply.status, value).toBe(404);
      expect((reply.body as { message: string }).message, value).toContain('item not found');
    }
  });

  it('answers 400 for a traversing or control-character {release_id}', async () => {
    for (const value of REFUSED) {
      for (const path of [`${ns.releases}/${value}`, `${ns.releases}/${value}/rollback`]) {
        const reply = await rawRequest(path.endsWith('rollback') ? 'POST' : 'GET', path, auth(), path.endsWith('rollback') ? '{"operator":"op"}' : undefined);
        expect(reply.status, path).toBe(400);
        expect(reply.body, path).toMatchObject({ code: 400, data: null });
      }
    }
  });

  it('is refused by the handler too, as API Gateway hands it decoded path values', async () => {
    const { handler } = await import('../../functions/kvconfig/rollback-release.js');
    for (const releaseId of ['../../etc', '..', 'a\u0000b', 'x/./y']) {
      const event = {
        resource: '/api/v1/envs/{env}/apps/{app_name}/clusters/{cluster_name}/namespaces/{namespace_name}/releases/{release_id}/rollback',
        path: `${ns.releases}/${encodeURIComponent(releaseId)}/rollback`,
        httpMethod: 'POST',
        headers: { Authorization: `Bearer ${rt.adminToken}`, 'Content-Type': 'application/json' },
        multiValueHeaders: {},
        queryStringParameters: null,
        multiValueQueryStringParameters: null,
        pathParameters: { env: 'dev', app_name: 'paths', cluster_name: 'default', namespace_name: 'application', release_id: releaseId },
        stageVariables: null,
        body: '{"operator":"op"}',
        isBase64Encoded: false,
        requestContext: {},
      } as unknown as APIGatewayProxyEvent;
      const result = await handler(event, lambdaContext('kvconfig/rollback-release', 29_000));
      expect(result.statusCode, releaseId).toBe(400);
      expect(JSON.parse(result.body), releaseId).toMatchObject({ code: 400, data: null });
    }
  });
});

describe('control characters in text fields', () => {
  let ns: Awaited<ReturnType<typeof createNamespace>>;
  beforeAll(async () => {
    ns = await createNamespace(rt, 'dev', 'texts');
  });

  it('keeps tabs and line breaks in item values and refuses other control characters', async () => {
    const value = 'line one\n\tline two\r\nend';
    const set = await rt.call('POST', ns.items, { body: { key: 'file', value } });
    expect(set.status, set.text).toBe(200);
    expect((await rt.call('GET', `${ns.items}/file`)).body.data.value).toBe(value);
    for (const bad of ['nul\u0000', 'bell\u0007', 'escape\u001b[0m', 'del\u007f']) {
      const reply = await rt.call('POST', ns.items, { body: { key: 'bad', value: bad } });
      expect(reply.status, JSON.stringify(bad)).toBe(400);
      expect(reply.body.message).toContain('value');
    }
  });

  it('refuses any control character, line breaks included, in item keys', async () => {
    for (const key of ['a\nb', 'a\tb', 'a\u0000b', '../x', 'x/..', '.']) {
      const reply = await rt.call('POST', ns.items, { body: { key, value: 'v' } });
      expect(reply.status, JSON.stringify(key)).toBe(400);
      expect(reply.body.message).toContain('key');
    }
    expect((await rt.call('POST', ns.items, { body: { key: 'a/b', value: 'v' } })).status).toBe(200);
  });

  it('allows line breaks in descriptions and comments but not in operator or release names', async () => {
    expect((await rt.call('PUT', ns.app, { body: { description: 'first line\nsecond\tline' } })).status).toBe(200);
    expect((await rt.call('PUT', ns.app, { body: { description: 'bell\u0007' } })).status).toBe(400);
    const published = await rt.call('POST', ns.releases, { body: { operator: 'op', comment: 'why:\n- because' } });
    expect(published.status, published.text).toBe(200);
    for (const body of [
      { operator: 'op\nerator' },
      { operator: 'op\u0000' },
      { operator: 'op', release_name: 'name\twith tab' },
      { operator: 'op', comment: 'nul\u0000' },
    ]) {
      const reply = await rt.call('POST', ns.releases, { body });
      expect(reply.status, JSON.stringify(body)).toBe(400);
      expect(reply.body).toMatchObject({ code: 400, data: null });
    }
  });
});
