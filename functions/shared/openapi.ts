import * as z from 'zod';
import type { Route } from '#shared/route.js';
import type { HandlerSchemas } from './http.js';
import type { ResponseDoc, ResponseSchemas } from './responses.js';

type JsonSchema = Record<string, unknown>;

const STRING = { type: 'string' } as const;

/** Names of the error envelopes in `components.schemas`, one per family. */
const ERROR_SCHEMA: Record<Route['family'], string> = { helm: 'HelmError', appstore: 'AppStoreError', kvconfig: 'KvconfigError', release: 'ReleaseError' };

/**
 * Each family's envelopes (families.ts renders them): `ok` wraps a route's `data` schema for an
 * answer of HTTP `status`, `error` is what every failure looks like.
 */
const ENVELOPES: Record<Route['family'], { ok: (data: JsonSchema, status: number, extra: JsonSchema | undefined) => JsonSchema; error: JsonSchema }> = {
  helm: {
    ok: (data, _status, extra) => ({
      type: 'object',
      properties: { success: { const: true }, data, ...(extra?.properties as JsonSchema | undefined) },
      required: ['success', 'data', ...((extra?.required as string[] | undefined) ?? [])],
    }),
    error: {
      type: 'object',
      properties: {
        success: { const: false },
        error: { type: 'object', properties: { code: STRING, message: STRING, details: {} }, required: ['code', 'message'] },
      },
      required: ['success', 'error'],
    },
  },
  appstore: {
    ok: (data) => ({ type: 'object', properties: { ResponseData: data }, required: ['ResponseData'] }),
    error: {
      type: 'object',
      properties: {
        ResponseData: {
          type: 'object',
          properties: { Error: { type: 'object', properties: { Code: STRING, Message: STRING }, required: ['Code', 'Message'] } },
          required: ['Error'],
        },
      },
      required: ['ResponseData'],
    },
  },
  // A success answer with a non-2xx status keeps the family's code rule (kvconfig: the status; release: status × 100).
  kvconfig: {
    ok: (data, status) => ({
      type: 'object',
      properties: { code: { const: status < 300 ? 0 : status }, message: STRING, data },
      required: ['code', 'message', 'data'],
    }),
    error: { type: 'object', properties: { code: { type: 'integer' }, message: STRING, data: { type: 'null' } }, required: ['code', 'message', 'data'] },
  },
  release: {
    ok: (data, status) => ({
      type: 'object',
      properties: { code: { const: status < 300 ? 200 : status * 100 }, message: STRING, data },
      required: ['code', 'message', 'data'],
    }),
    error: { type: 'object', properties: { code: { type: 'integer' }, message: STRING, data: { type: 'null' } }, required: ['code', 'message', 'data'] },
  },
};

const REASONS: Record<number, string> = {
  200: 'OK',
  201: 'Created',
  304: 'Not modified: the `If-None-Match` ETag is current; no body',
  400: 'The input fails validation',
  401: 'Missing or invalid bearer token',
  403: "The caller's role may not use this route",
  404: 'Not found',
  408: 'Nothing changed before the timeout',
  409: 'Conflict with the current state',
  410: 'The command is no longer awaited (answered, timed out or cancelled): stop working on it',
  429: 'Throttled by API Gateway (its own body, not the family envelope)',
  503: 'A dependency is unavailable',
};

/**
 * Removes `additionalProperties: false`, so a client keeps working when an answer gains a field,
 * and the safe-integer bounds zod gives every `int()`, which say nothing to a reader.
 */
function permissive(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(permissive);
  if (!schema || typeof schema !== 'object') return schema;
  const out: JsonSchema = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'additionalProperties' && value === false) continue;
    if ((key === 'minimum' || key === 'maximum') && Math.abs(Number(value)) === Number.MAX_SAFE_INTEGER) continue;
    out[key] = permissive(value);
  }
  return out;
}

function toJsonSchema(schema: z.ZodType, io: 'input' | 'output' = 'input'): JsonSchema {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema;
  return io === 'output' ? (permissive(rest) as JsonSchema) : rest;
}

function parameters(where: 'path' | 'query', schema: z.ZodType | undefined, route: Route): JsonSchema[] {
  const names = where === 'path' ? [...route.path.matchAll(/\{(\w+)\+?\}/g)].map((m) => m[1] ?? '') : [];
  const json = schema ? toJsonSchema(schema) : { properties: {} };
  const properties = (json.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((json.required as string[] | undefined) ?? []);
  // A handler serving two URL forms (the v3 apps) takes either form's parameters; each path lists its own.
  const all = where === 'path' ? new Set(names) : new Set(Object.keys(properties));
  return [...all].map((name) => ({
    name,
    in: where,
    required: where === 'path' || required.has(name),
    schema: properties[name] ?? { type: 'string' },
  }));
}

/** The shorthand (a schema) is the 200 answer's `data`. */
function answersOf(response: ResponseSchemas | undefined): Readonly<Record<number, ResponseDoc>> {
  if (response === undefined) return {};
  return response instanceof z.ZodType ? { 200: { data: response } } : response;
}

/**
 * The failures every route of its kind can answer, in the family's error envelope: 400 when it
 * takes input, 401/403 when it needs a token, 404 when its path names something, 409 when it writes.
 * Anything else (410, 500, 503) falls under `default`.
 */
function errorStatuses(route: Route, schemas: HandlerSchemas): number[] {
  const statuses: number[] = [];
  if (schemas.body || schemas.query || schemas.path) statuses.push(400);
  if (route.access !== 'public') statuses.push(401, 403);
  if (route.path.includes('{')) statuses.push(404);
  if (route.method !== 'GET') statuses.push(409);
  return statuses;
}

const errorRef = (route: Route) => ({ $ref: `#/components/schemas/${ERROR_SCHEMA[route.family]}` });

function responseObject(route: Route, status: number, doc: ResponseDoc): JsonSchema {
  const description = doc.description ?? REASONS[status] ?? `HTTP ${status}`;
  if (doc.error) return { description, content: { 'application/json': { schema: errorRef(route) } } };
  const headers = doc.headers
    ? { headers: Object.fromEntries(Object.entries(doc.headers).map(([name, about]) => [name, { description: about, schema: STRING }])) }
    : {};
  if (!doc.data) return { description, ...headers };
  const data = toJsonSchema(doc.data, 'output');
  const schema = doc.raw ? data : ENVELOPES[route.family].ok(data, status, doc.extra ? toJsonSchema(doc.extra, 'output') : undefined);
  return { description, ...headers, content: { 'application/json': { schema } } };
}

function responsesOf(route: Route, schemas: HandlerSchemas): JsonSchema {
  const documented = answersOf(schemas.response);
  const responses: Record<string, JsonSchema> = {};
  for (const [status, doc] of Object.entries(documented)) responses[status] = responseObject(route, Number(status), doc);
  // The app store answers every error with HTTP 404 (families.ts).
  const errors = route.family === 'appstore' ? [404] : errorStatuses(route, schemas);
  for (const status of errors) responses[String(status)] ??= responseObject(route, status, { error: true });
  responses['429'] = { $ref: '#/components/responses/Throttled' };
  responses.default = {
    description: 'Any other failure (410, 500, 503…) in the family error envelope',
    content: { 'application/json': { schema: errorRef(route) } },
  };
  return responses;
}

/**
 * Builds the OpenAPI 3.1 document from the route table and each handler's schemas, so a route
 * appears in the document by construction: request parameters and bodies from the request
 * schemas, and each documented answer (`schemas.response`) in the family's envelope.
 */
export function buildOpenApi(routes: readonly Route[], schemasOf: (route: Route) => HandlerSchemas, version: string): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  const operationIds = new Map<string, number>();
  for (const route of routes) {
    const schemas = schemasOf(route);
    // A handler mounted on several routes gets one operation id per route: `helmV3GetApp`, `helmV3GetApp2`.
    const base = route.entry.replace(/[/-](\w)/g, (_m, c: string) => c.toUpperCase());
    const seen = (operationIds.get(base) ?? 0) + 1;
    operationIds.set(base, seen);
    const operation: JsonSchema = {
      operationId: seen === 1 ? base : `${base}${seen}`,
      summary: route.summary,
      tags: [route.family],
      ...(route.access === 'public' ? { security: [] } : { 'x-required-role': route.access }),
      parameters: [...parameters('path', schemas.path, route), ...parameters('query', schemas.query, route)],
      ...(schemas.body ? { requestBody: { required: true, content: { 'application/json': { schema: toJsonSchema(schemas.body) } } } } : {}),
      responses: responsesOf(route, schemas),
    };
    (paths[route.path] ??= {})[route.method.toLowerCase()] = operation;
  }
  const families = [...new Set(routes.map((r) => r.family))];
  return {
    openapi: '3.1.0',
    info: {
      title: 'DevOps control plane',
      version,
      description: 'Helm applications, app store, configuration center and release system. Bearer token on every route but the health checks.',
    },
    servers: [
      { url: 'http://localhost:8080', description: 'The local runtime (`npm start`; PORT changes the port)' },
      {
        url: 'https://{restApiId}.execute-api.{region}.amazonaws.com/{stage}',
        description: 'API Gateway: the stage URL `cdk deploy` prints as the API endpoint output',
        variables: {
          restApiId: { default: 'restApiId', description: 'The REST API id' },
          region: { default: 'us-east-1', description: 'The AWS region of the deployment' },
          stage: { default: 'prod', description: 'The stage name (ApiStack stageName, default prod)' },
        },
      },
    ],
    tags: [
      { name: 'helm', description: 'Platform routes (health, users, system information) and the Helm API: helm-proxy.md envelope' },
      { name: 'appstore', description: 'App store: app-store.md envelope' },
      { name: 'kvconfig', description: 'Configuration center: kvconfig.md envelope' },
      { name: 'release', description: 'Release system and its deploy agents: release-system.md envelope' },
    ].filter((t) => families.includes(t.name as Route['family'])),
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'A token from `POST /admin/users` (or the one printed at first start)' } },
      schemas: Object.fromEntries(families.map((f) => [ERROR_SCHEMA[f], ENVELOPES[f].error])),
      responses: {
        Throttled: {
          description: REASONS[429],
          content: { 'application/json': { schema: { type: 'object', properties: { message: STRING }, required: ['message'] } } },
        },
      },
    },
    security: [{ bearer: [] }],
    paths,
  };
}
