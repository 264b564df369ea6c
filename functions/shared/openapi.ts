import * as z from 'zod';
import type { Route } from '#shared/route.js';
import type { RequestSchemas } from './middleware/validate.js';

type JsonSchema = Record<string, unknown>;

const ENVELOPES: Record<Route['family'], { ok: JsonSchema; error: JsonSchema }> = {
  helm: {
    ok: { type: 'object', properties: { success: { const: true }, data: {} }, required: ['success', 'data'] },
    error: {
      type: 'object',
      properties: { success: { const: false }, error: { type: 'object', properties: { code: { type: 'string' }, message: { type: 'string' }, details: {} } } },
    },
  },
  appstore: {
    ok: { type: 'object', properties: { ResponseData: {} }, required: ['ResponseData'] },
    error: {
      type: 'object',
      properties: {
        ResponseData: { type: 'object', properties: { Error: { type: 'object', properties: { Code: { type: 'string' }, Message: { type: 'string' } } } } },
      },
    },
  },
  kvconfig: {
    ok: { type: 'object', properties: { code: { const: 0 }, message: { type: 'string' }, data: {} } },
    error: { type: 'object', properties: { code: { type: 'integer' }, message: { type: 'string' }, data: { type: 'null' } } },
  },
  release: {
    ok: { type: 'object', properties: { code: { const: 200 }, message: { type: 'string' }, data: {} } },
    error: { type: 'object', properties: { code: { type: 'integer' }, message: { type: 'string' }, data: { type: 'null' } } },
  },
};

function toJsonSchema(schema: z.ZodType): JsonSchema {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  return rest;
}

function parameters(where: 'path' | 'query', schema: z.ZodType | undefined, route: Route): JsonSchema[] {
  const names = where === 'path' ? [...route.path.matchAll(/\{(\w+)\+?\}/g)].map((m) => m[1] ?? '') : [];
  const json = schema ? toJsonSchema(schema) : { properties: {} };
  const properties = (json.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((json.required as string[] | undefined) ?? []);
  const all = new Set([...names, ...Object.keys(properties)]);
  return [...all].map((name) => ({
    name,
    in: where,
    required: where === 'path' || required.has(name),
    schema: properties[name] ?? { type: 'string' },
  }));
}

/**
 * Builds the OpenAPI 3.1 document from the route table and each handler's request schemas, so a
 * route appears in the document by construction. Responses give the family's envelopes.
 */
export function buildOpenApi(routes: readonly Route[], schemasOf: (route: Route) => RequestSchemas, version: string): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const route of routes) {
    const schemas = schemasOf(route);
    const envelope = ENVELOPES[route.family];
    const operation: JsonSchema = {
      operationId: route.entry.replace(/[/-](\w)/g, (_m, c: string) => c.toUpperCase()),
      summary: route.summary,
      tags: [route.family],
      ...(route.access === 'public' ? { security: [] } : { 'x-required-role': route.access }),
      parameters: [...parameters('path', schemas.path, route), ...parameters('query', schemas.query, route)],
      ...(schemas.body ? { requestBody: { required: true, content: { 'application/json': { schema: toJsonSchema(schemas.body) } } } } : {}),
      responses: {
        '200': { description: 'success', content: { 'application/json': { schema: envelope.ok } } },
        default: { description: 'error in the family envelope', content: { 'application/json': { schema: envelope.error } } },
      },
    };
    (paths[route.path] ??= {})[route.method.toLowerCase()] = operation;
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'DevOps control plane',
      version,
      description: 'Helm applications, app store, configuration center and release system. Bearer token on every route but the health checks.',
    },
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    security: [{ bearer: [] }],
    paths,
  };
}
