import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTES } from '../../functions/routes.js';
import { FUNCTIONS } from '../../functions/tasks.js';
import { PUSH_API } from '../../functions/kvconfig/push-routes.js';
import type { HttpHandler } from '../../functions/shared/http.js';
import { installLambdaStreamingGlobal } from '../../local/lambda-streaming.js';
import { generateOpenApi, OPENAPI_FILE } from '../../scripts/openapi.js';
import { openApiMismatch } from '../helpers/openapi-check.js';
import type { TestRuntime } from '../helpers/runtime.js';
import { startTestRuntime } from '../helpers/runtime.js';

const FUNCTIONS_DIR = new URL('../../functions/', import.meta.url).pathname;

function handlerFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return handlerFiles(path);
    if (!entry.name.endsWith('.ts') || !/^export const handler\b/m.test(readFileSync(path, 'utf8'))) return [];
    return [relative(FUNCTIONS_DIR, path).replace(/\.ts$/, '')];
  });
}

describe('route table', () => {
  const entries = new Set([
    ...ROUTES.map((r) => r.entry),
    ...FUNCTIONS.map((f) => f.entry),
    ...PUSH_API.routes.flatMap((r) => (r.entry ? [r.entry] : [])),
    PUSH_API.fanOut.entry,
  ]);

  it('has a row for every handler file', () => {
    const orphans = handlerFiles(FUNCTIONS_DIR).filter((file) => !entries.has(file));
    expect(orphans, 'handler files without a route or function row').toEqual([]);
  });

  it('has a handler file for every row', () => {
    const missing = [...entries].filter(
      (entry) => !existsSync(join(FUNCTIONS_DIR, `${entry}.ts`)) || !/^export const handler\b/m.test(readFileSync(join(FUNCTIONS_DIR, `${entry}.ts`), 'utf8')),
    );
    expect(missing, 'rows whose handler file is missing or exports no handler').toEqual([]);
  });

  it('has no two rows for the same method and path', () => {
    const keys = ROUTES.map((r) => `${r.method} ${r.path}`);
    expect(keys.length).toBe(new Set(keys).size);
  });
});

// Handler modules read their configuration on import, so they are imported after the runtime set it.
describe('handler modules and the OpenAPI document', () => {
  let rt: TestRuntime;
  beforeAll(async () => {
    rt = await startTestRuntime();
  });
  afterAll(() => rt.close());

  it('marks a route streaming exactly when its handler streams', async () => {
    installLambdaStreamingGlobal();
    for (const route of ROUTES) {
      const { handler } = (await import(join(FUNCTIONS_DIR, `${route.entry}.ts`))) as { handler: HttpHandler };
      expect(handler.streaming, `${route.method} ${route.path}`).toBe(route.streaming === true);
      if ((route.timeoutSeconds ?? 29) > 29) expect(route.streaming, `${route.path} runs past 29 s`).toBe(true);
    }
  });

  it('is up to date in docs/openapi.json (run npm run openapi when this fails)', async () => {
    expect(readFileSync(OPENAPI_FILE, 'utf8')).toBe(await generateOpenApi());
  });

  it('lists every route of the route table', async () => {
    const doc = JSON.parse(await generateOpenApi()) as { openapi: string; paths: Record<string, Record<string, unknown>> };
    expect(doc.openapi).toBe('3.1.0');
    for (const route of ROUTES) expect(doc.paths[route.path]?.[route.method.toLowerCase()], `${route.method} ${route.path}`).toBeDefined();
  });

  it('is served at GET /openapi.json', async () => {
    const reply = await rt.call('GET', '/openapi.json');
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual(JSON.parse(readFileSync(OPENAPI_FILE, 'utf8')));
    expect((await rt.call('GET', '/openapi.json', { token: null })).status).toBe(401);
  });

  it('describes request bodies from the handler schemas', async () => {
    const doc = JSON.parse(await generateOpenApi()) as {
      paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: { properties: Record<string, unknown> } }> } }>>;
    };
    const body = doc.paths['/admin/users']?.post?.requestBody?.content['application/json']?.schema;
    expect(Object.keys(body?.properties ?? {})).toEqual(['name', 'role', 'service']);
  });

  it('documents a success answer for every route, in its envelope or as a bare body', async () => {
    type Responses = Record<string, { content?: Record<string, { schema: { properties?: Record<string, unknown> } }> }>;
    const doc = JSON.parse(await generateOpenApi()) as { paths: Record<string, Record<string, { responses: Responses }>> };
    for (const route of ROUTES) {
      const responses = doc.paths[route.path]?.[route.method.toLowerCase()]?.responses ?? {};
      const success = Object.keys(responses).filter((status) => /^2\d\d$/.test(status));
      // Usually one; a write may answer 201/202 when it starts something and 200 for the same request again.
      expect(success.length, `${route.method} ${route.path}`).toBeGreaterThan(0);
      for (const status of success) {
        const schema = responses[status]?.content?.['application/json']?.schema;
        const bare = ['/health', '/ready', '/openapi.json'].includes(route.path);
        const fields = Object.keys(schema?.properties ?? {});
        // The app store's envelope is `{"ResponseData": …}` alone (app-store.md).
        const appstore = route.family === 'appstore';
        if (bare) expect(fields, `${route.method} ${route.path} answers a bare body`).not.toContain('success');
        else expect(fields, `${route.method} ${route.path}`).toContain(route.family === 'helm' ? 'success' : appstore ? 'ResponseData' : 'code');
        if (!bare) expect(schema?.properties?.[appstore ? 'ResponseData' : 'data'], `${route.method} ${route.path} describes its data`).not.toEqual({});
      }
    }
    expect(Object.keys(doc.paths['/admin/users']?.post?.responses ?? {})).toContain('201');
    expect(Object.keys(doc.paths['/ready']?.get?.responses ?? {})).toContain('503');
  });
});

describe('the end-to-end check of answers against docs/openapi.json', () => {
  it('accepts an answer the document describes', () => {
    expect(openApiMismatch('GET', '/health', 200, '{"status":"OK"}')).toBeUndefined();
    expect(openApiMismatch('GET', '/api/v1/envs/dev/apps/a/clusters/c/namespaces/n/configs?page=1', 304, '')).toBeUndefined();
    expect(openApiMismatch('GET', '/v1/nowhere', 404, '{"success":false,"error":{"code":"not_found","message":"no route"}}')).toBeUndefined();
  });

  it('rejects a body that does not match, naming the route, the status and the field', () => {
    const data = '{"code":0,"message":"success","data":{"env":"dev","apps":[],"total":"3","page":1,"size":20}}';
    expect(openApiMismatch('GET', '/api/v1/envs/dev/apps?page=1', 200, data)).toMatch(
      /GET \/api\/v1\/envs\/dev\/apps \(\/api\/v1\/envs\/\{env\}\/apps\) answered 200.*\/data\/total must be integer/,
    );
  });

  it('rejects a success status the operation does not document', () => {
    expect(openApiMismatch('POST', '/admin/users', 200, '{"success":true,"data":{}}')).toMatch(/answered 200, a status docs\/openapi.json does not document/);
  });

  it('rejects an unmatched path answered outside its family error envelope', () => {
    expect(openApiMismatch('GET', '/api/v1/nowhere', 404, '{"success":false,"error":{"code":"not_found","message":"x"}}')).toMatch(/no route/);
  });
});
