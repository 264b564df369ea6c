import type { IncomingMessage, ServerResponse } from 'node:http';
import * as z from 'zod';
import type { Cluster } from './cluster/index.js';
import type { DeleteOptions } from './deletion.js';
import {
  acceptsAggregated,
  AGGREGATED_CONTENT_TYPE,
  aggregatedDiscovery,
  legacyApiVersions,
  legacyGroup,
  legacyGroupList,
  legacyResourceList,
} from './discovery.js';
import { badRequest, KubeApiError, methodNotAllowed, notFound, unauthorized, unsupportedMediaType } from './errors.js';
import { evictPod } from './eviction.js';
import { serveLogs } from './logs-endpoint.js';
import { getMetrics, listMetrics, metricsList } from './metrics.js';
import { OPENAPI_V2_CONTENT_TYPE, openApiGroupVersion, openApiRoot, openApiV2 } from './openapi.js';
import { decodeKubeProtobuf, UnsupportedProtobufError } from './protobuf.js';
import type { KubeRest, WriteOptions } from './rest.js';
import type { ResourceType } from './resources.js';
import { serveScale } from './scale.js';
import type { KubeObject } from './store.js';
import { acceptsTable, includeObjectOf, printerFor, tableOf } from './table.js';
import { KUBE_VERSION } from './version.js';
import { serveWatch } from './watch.js';

const METRICS_GROUP = 'metrics.k8s.io';

// What real clusters serve without credentials (system:public-info-viewer).
const PUBLIC_PATHS = new Set(['/version', '/healthz', '/readyz', '/livez']);

export type HandlerContext = { rest: KubeRest; cluster: Cluster; token: string; serverAddress: () => string; log?: (line: string) => void };

const sendJson = (response: ServerResponse, code: number, body: unknown, contentType = 'application/json'): void => {
  const text = JSON.stringify(body);
  response.writeHead(code, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(text) });
  response.end(text);
};

async function readBody(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const raw = Buffer.concat(chunks);
  if (raw.length === 0) return undefined;
  const contentType = (request.headers['content-type'] ?? 'application/json').split(';')[0]?.trim() ?? '';
  if (contentType === 'application/vnd.kubernetes.protobuf') {
    try {
      return decodeKubeProtobuf(raw);
    } catch (error) {
      if (error instanceof UnsupportedProtobufError) throw unsupportedMediaType(`${contentType} (${error.message})`);
      throw error;
    }
  }
  // kubectl and helm send JSON for every JSON and YAML media type, apply-patch+yaml included.
  try {
    return JSON.parse(raw.toString('utf8')) as unknown;
  } catch {
    throw badRequest(`the body of a ${contentType} request is not JSON (YAML bodies are not supported by this simulator)`);
  }
}

type ResourcePath = { type: ResourceType; namespace?: string; name?: string; subresource?: string };

function resolveResource(rest: KubeRest, group: string, version: string, segments: string[]): ResourcePath | undefined {
  const [first, second, third, fourth, fifth] = segments;
  if (first === 'namespaces' && second && third) {
    const type = rest.registry.find(group, version, third);
    if (type?.namespaced) return { type, namespace: second, name: fourth, subresource: fifth };
  }
  const type = first ? rest.registry.find(group, version, first) : undefined;
  return type && { type, name: second, subresource: third };
}

// DeleteOptions as clients send them (JSON, or protobuf decoded to the same shape); unknown fields pass.
const DeleteOptionsSchema = z.looseObject({
  propagationPolicy: z.enum(['Background', 'Foreground', 'Orphan']).optional(),
  orphanDependents: z.boolean().optional(),
  dryRun: z.array(z.string()).optional(),
  gracePeriodSeconds: z.number().int().min(0).optional(),
  preconditions: z.object({ uid: z.string().optional(), resourceVersion: z.string().optional() }).optional(),
});

function gracePeriodOf(raw: string | null): number | undefined {
  if (raw === null) return undefined;
  if (!/^\d+$/.test(raw)) throw badRequest(`invalid gracePeriodSeconds: ${raw}`);
  return Number(raw);
}

function deleteOptionsOf(query: URLSearchParams, body: unknown): DeleteOptions {
  const parsed = DeleteOptionsSchema.safeParse(body ?? {});
  if (!parsed.success) throw badRequest(`invalid DeleteOptions: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const policy = z
    .enum(['Background', 'Foreground', 'Orphan'])
    .optional()
    .safeParse(query.get('propagationPolicy') ?? undefined);
  if (!policy.success) throw badRequest(`invalid propagationPolicy: ${query.get('propagationPolicy')}`);
  return {
    propagationPolicy: policy.data ?? parsed.data.propagationPolicy,
    orphanDependents: query.get('orphanDependents') === 'true' || parsed.data.orphanDependents === true,
    dryRun: query.get('dryRun') === 'All' || parsed.data.dryRun?.includes('All') === true,
    gracePeriodSeconds: gracePeriodOf(query.get('gracePeriodSeconds')) ?? parsed.data.gracePeriodSeconds,
    preconditions: parsed.data.preconditions,
  };
}

/** What a GET answers: the object or list, or a meta.k8s.io Table of it when the client asks (`kubectl get`). */
type Presenter = {
  list(items: KubeObject[], list: Record<string, unknown>): unknown;
  one(object: KubeObject): unknown;
  watched?: (o: KubeObject) => Record<string, unknown>;
};

function presenterFor(rest: KubeRest, type: ResourceType, accept: string | undefined, query: URLSearchParams): Presenter {
  if (!acceptsTable(accept)) return { list: (_items, list) => list, one: (object) => object };
  const include = includeObjectOf(query);
  const printer = printerFor(rest, type);
  return {
    list: (items, list) => tableOf(printer, items, (list.metadata as { resourceVersion?: string } | undefined)?.resourceVersion, include),
    one: (object) => tableOf(printer, [object], object.metadata.resourceVersion, include),
    watched: (object) => tableOf(printer, [object], undefined, include),
  };
}

/** `log`, `scale` and `eviction`: each lives in its own module; `status` goes through the generic REST path. */
async function serveSubresource(
  context: HandlerContext,
  path: ResourcePath & { name: string; subresource: string },
  request: IncomingMessage,
  response: ServerResponse,
  query: URLSearchParams,
): Promise<void> {
  const { rest } = context;
  const { type, namespace, name, subresource } = path;
  const method = request.method ?? 'GET';
  if (subresource === 'log' && method === 'GET') return serveLogs(rest, context.cluster.logs, namespace ?? '', name, query, response);
  if (subresource === 'scale') {
    const body = method === 'GET' ? undefined : await readBody(request);
    const options = { dryRun: query.get('dryRun') === 'All', fieldManager: query.get('fieldManager') ?? undefined };
    const scale = serveScale(rest, type, namespace, name, { method, contentType: request.headers['content-type'] ?? '', body }, options);
    return sendJson(response, 200, scale);
  }
  if (subresource === 'eviction' && method === 'POST') {
    const body = await readBody(request);
    return sendJson(
      response,
      201,
      evictPod(rest, namespace ?? '', name, body, (raw) => deleteOptionsOf(query, raw)),
    );
  }
  throw methodNotAllowed(`the server does not allow ${method} on ${type.plural}/${subresource}`);
}

async function serveResource(
  context: HandlerContext,
  path: ResourcePath,
  request: IncomingMessage,
  response: ServerResponse,
  query: URLSearchParams,
): Promise<void> {
  const { rest } = context;
  const { type, namespace, name, subresource } = path;
  const method = request.method ?? 'GET';
  if (type.readOnly && method !== 'GET') throw methodNotAllowed(`${type.plural}.${type.group} supports only get and list`);
  if (subresource && subresource !== 'status') {
    if (!name || !type.subresources?.includes(subresource)) throw notFound(`${type.plural}/${subresource}`, type.group, name ?? '');
    return serveSubresource(context, { ...path, name, subresource }, request, response, query);
  }
  const present = presenterFor(rest, type, request.headers.accept, query);
  const options: WriteOptions = {
    dryRun: query.get('dryRun') === 'All',
    fieldManager: query.get('fieldManager') ?? undefined,
    force: query.get('force') === 'true',
    subresource,
  };

  if (type.group === METRICS_GROUP) {
    if (name) return sendJson(response, 200, present.one(getMetrics(rest, type, namespace, name)));
    const items = listMetrics(rest, type, namespace, query);
    return sendJson(response, 200, present.list(items, metricsList(type, items)));
  }
  if (method === 'GET' && !name) {
    if (query.get('watch') === 'true' || query.get('watch') === '1') return serveWatch(rest, type, namespace, query, response, present.watched);
    const list = rest.list(type, namespace, query);
    return sendJson(response, 200, present.list(list.items as KubeObject[], list));
  }
  if (method === 'GET' && name) return sendJson(response, 200, present.one(rest.get(type, namespace, name)));
  const body = await readBody(request);
  if (method === 'POST' && !name) return sendJson(response, 201, rest.create(type, namespace, body as Record<string, unknown>, options));
  if (method === 'PUT' && name) return sendJson(response, 200, rest.update(type, namespace, name, body as Record<string, unknown>, options));
  if (method === 'PATCH' && name) {
    const existed = rest.store.get(rest.key(type, namespace, name)) !== undefined;
    const patched = rest.patch(type, namespace, name, request.headers['content-type'] ?? '', body, options);
    return sendJson(response, existed ? 200 : 201, patched);
  }
  if (method === 'DELETE' && name) return sendJson(response, 200, rest.deleter.delete(type, namespace, name, deleteOptionsOf(query, body)));
  if (method === 'DELETE') return sendJson(response, 200, rest.deleter.deleteCollection(type, namespace, query, deleteOptionsOf(query, body)));
  throw methodNotAllowed(`the server does not allow ${method} on ${request.url ?? ''}`);
}

async function route(context: HandlerContext, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const url = new URL(request.url ?? '/', 'https://localhost');
  const path = url.pathname.replace(/\/+$/, '') || '/';
  const accept = request.headers.accept;
  const { registry } = context.rest;
  if (!PUBLIC_PATHS.has(path) && request.headers.authorization !== `Bearer ${context.token}`) throw unauthorized();
  if (path === '/version') return sendJson(response, 200, KUBE_VERSION);
  if (PUBLIC_PATHS.has(path)) {
    response.writeHead(200, { 'Content-Type': 'text/plain' });
    return void response.end('ok');
  }
  if (path === '/api' || path === '/apis') {
    const aggregated = acceptsAggregated(accept);
    const scope = path === '/api' ? 'core' : 'apis';
    if (aggregated) return sendJson(response, 200, aggregatedDiscovery(registry, scope, aggregated), AGGREGATED_CONTENT_TYPE(aggregated));
    return sendJson(response, 200, scope === 'core' ? legacyApiVersions(context.serverAddress()) : legacyGroupList(registry));
  }
  if (path === '/openapi/v3') return sendJson(response, 200, openApiRoot(registry));
  // cli-runtime validates `kind: List` manifests on the client, from the v2 document (openapi.ts).
  if (path === '/openapi/v2') {
    response.writeHead(200, { 'Content-Type': OPENAPI_V2_CONTENT_TYPE });
    return void response.end(openApiV2());
  }
  const openapi = /^\/openapi\/v3\/(?:api\/(v1)|apis\/([^/]+)\/([^/]+))$/.exec(path);
  if (openapi) {
    const document = openApiGroupVersion(registry, openapi[2] ?? '', openapi[1] ?? openapi[3] ?? '');
    if (!document) throw notFound('openapi', '', path);
    return sendJson(response, 200, document);
  }
  const segments = path.split('/').slice(1);
  const [root, a, b, ...rest] = segments;
  const [group, version, tail] = root === 'api' ? ['', a, [b, ...rest].filter((s): s is string => s !== undefined)] : root === 'apis' ? [a, b, rest] : [];
  if (group === undefined || !version) {
    if (root === 'apis' && a && !b) {
      const document = legacyGroup(registry, a);
      if (document) return sendJson(response, 200, document);
    }
    throw notFound('', '', path);
  }
  if (!tail?.length) {
    const document = legacyResourceList(registry, group, version);
    if (!document) throw notFound('', '', path);
    return sendJson(response, 200, document);
  }
  const resource = resolveResource(context.rest, group, version, tail);
  if (!resource) throw notFound(tail.join('/'), group, '');
  return serveResource(context, resource, request, response, url.searchParams);
}

/** The request listener: routes, and turns every error into the Status object clients decode. */
export function createKubeHandler(context: HandlerContext): (request: IncomingMessage, response: ServerResponse) => void {
  return (request, response) => {
    context.log?.(`${request.method} ${request.url} ${request.headers['content-type'] ?? ''}`);
    route(context, request, response).catch((error: unknown) => {
      const apiError = error instanceof KubeApiError ? error : new KubeApiError(500, 'InternalError', error instanceof Error ? error.message : String(error));
      context.log?.(`  -> ${apiError.code} ${apiError.message}`);
      if (response.headersSent) return void response.end();
      sendJson(response, apiError.code, apiError.toStatus());
    });
  };
}
