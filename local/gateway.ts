import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pathToFileURL } from 'node:url';
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { ROUTES } from '../functions/routes.js';
import type { Route } from '../functions/shared/route.js';
import { ValidationError } from '../functions/shared/errors.js';
import type { ProxyResult } from '../functions/shared/families.js';
import { familyOfPath, renderError } from '../functions/shared/families.js';
import { installLambdaStreamingGlobal, isStreaming, LocalResponseStream } from './lambda-streaming.js';
import { compileRoutes, unmatchedResponse } from '../functions/shared/router.js';
import { lambdaContext } from './lambda-context.js';
import { oversizedResponse } from './request-limits.js';

installLambdaStreamingGlobal();

/** API Gateway's own payload limit; the handlers refuse anything over 1 MiB themselves. */
const MAX_PAYLOAD_BYTES = 10 * 1024 * 1024;
const NO_BODY = Buffer.alloc(0);

type LambdaHandler = (event: APIGatewayProxyEvent, context: Context) => Promise<ProxyResult>;

/**
 * Extra local-only endpoints (the workflow runner's SFN API and execution views, the chart
 * repository, the capacity counter). They serve paths under `/local` only — the runtime's access
 * guard covers exactly those — so no other request is shown to them.
 */
export type LocalEndpoint = (request: { method: string; path: string; headers: Record<string, string>; body: string }) => Promise<ProxyResult | undefined>;

/**
 * The local API Gateway: matches a request against the same route table as the CDK REST API, builds
 * the REST API proxy event (`APIGatewayProxyEvent`) and calls the route's handler module in-process,
 * exactly the module Lambda would load.
 */
export function createGateway(options: { routes?: readonly Route[]; localEndpoints?: LocalEndpoint[]; requestCounts?: Map<string, number> } = {}) {
  const resolve = compileRoutes(options.routes ?? ROUTES);
  const modules = new Map<string, Promise<LambdaHandler>>();
  const load = (entry: string) => {
    let loaded = modules.get(entry);
    if (!loaded) {
      const url = pathToFileURL(new URL(`../functions/${entry}.ts`, import.meta.url).pathname).href;
      loaded = import(url).then((mod: { handler: LambdaHandler }) => mod.handler);
      modules.set(entry, loaded);
    }
    return loaded;
  };

  async function dispatch(req: IncomingMessage, res: ServerResponse, body: Buffer): Promise<ProxyResult | 'streamed'> {
    const oversized = oversizedResponse(req);
    if (oversized) return oversized;
    // The raw path, not URL.pathname: URL would resolve `..` before we could refuse it.
    const target = req.url ?? '/';
    const queryAt = target.indexOf('?');
    const rawPath = (queryAt < 0 ? target : target.slice(0, queryAt)) || '/';
    const method = (req.method ?? 'GET').toUpperCase();
    if (rawPath === '/local' || rawPath.startsWith('/local/')) {
      const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : (v ?? '')]));
      for (const endpoint of options.localEndpoints ?? []) {
        const answer = await endpoint({ method, path: rawPath, headers, body: body.toString('utf8') });
        if (answer) return answer;
      }
    }
    const family = familyOfPath(rawPath);
    if (body.length > MAX_PAYLOAD_BYTES) return renderError(family, new ValidationError(`request body is over ${MAX_PAYLOAD_BYTES} bytes`, { field: 'body' }));
    const resolution = resolve(method, rawPath);
    if (resolution.kind !== 'match') return unmatchedResponse(method, rawPath) ?? renderError(family, new ValidationError('unroutable request'));
    const { route, pathParameters } = resolution.match;
    options.requestCounts?.set(`${route.method} ${route.path}`, (options.requestCounts.get(`${route.method} ${route.path}`) ?? 0) + 1);
    // What URL's parser would take as the query: up to a fragment, which a client should not send.
    const query = queryAt < 0 ? '' : target.slice(queryAt + 1).split('#', 1)[0];
    const event = proxyEvent(req, method, rawPath, query ?? '', route, pathParameters, body);
    const handler = await load(route.entry);
    if (isStreaming(handler)) return stream(handler, event, lambdaContext(route.entry, (route.timeoutSeconds ?? 29) * 1000), res);
    const timeoutMs = (route.timeoutSeconds ?? 29) * 1000;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<ProxyResult>((done) => {
      timer = setTimeout(
        () => done({ statusCode: 504, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ message: 'Endpoint request timed out' }) }),
        timeoutMs,
      );
    });
    try {
      return await Promise.race([handler(event, lambdaContext(route.entry, timeoutMs)), timeout]);
    } catch (error) {
      return renderError(route.family, error);
    } finally {
      clearTimeout(timer);
    }
  }

  /** The node:http request listener. */
  return async function gatewayListener(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let body = NO_BODY;
    // A request with neither Content-Length nor Transfer-Encoding has no body (RFC 9112 §6.3).
    if (req.headers['transfer-encoding'] !== undefined || (req.headers['content-length'] ?? '0') !== '0') {
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of req as AsyncIterable<Buffer>) {
        size += chunk.length;
        if (size <= MAX_PAYLOAD_BYTES + 1) chunks.push(chunk);
      }
      body = Buffer.concat(chunks);
    }
    let result: ProxyResult | 'streamed';
    try {
      result = await dispatch(req, res, body);
    } catch (error) {
      if (res.headersSent) return void res.end();
      result = renderError(familyOfPath(req.url ?? '/'), error);
    }
    if (result === 'streamed') return;
    res.writeHead(result.statusCode, result.headers);
    res.end(result.isBase64Encoded ? Buffer.from(result.body, 'base64') : result.body);
  };
}

/**
 * Runs a response-streaming handler (API Gateway STREAM mode): the prelude becomes the status and
 * headers, every chunk goes to the client as written, and the function's timeout applies.
 */
async function stream(
  handler: (event: unknown, stream: LocalResponseStream, context: unknown) => Promise<void>,
  event: APIGatewayProxyEvent,
  context: Context,
  res: ServerResponse,
): Promise<'streamed'> {
  const out = new LocalResponseStream(
    (prelude) => res.writeHead(prelude.statusCode ?? 200, prelude.headers ?? {}),
    (chunk) => res.write(chunk),
    () => res.end(),
  );
  const timer = setTimeout(() => res.destroy(), context.getRemainingTimeInMillis() + 1000);
  try {
    await handler(event, out, context);
  } finally {
    clearTimeout(timer);
    if (!res.headersSent) res.writeHead(200, {});
    if (!res.writableEnded) res.end();
  }
  return 'streamed';
}

function proxyEvent(
  req: IncomingMessage,
  method: string,
  path: string,
  queryString: string,
  route: Route,
  pathParameters: Record<string, string>,
  body: Buffer,
): APIGatewayProxyEvent {
  // Names come from the client, so they are map keys, never object properties: `?__proto__=x` or a
  // header named `constructor` is plain data to API Gateway and must be here too. Object.fromEntries
  // then makes each an own data property of an ordinary object — the shape Lambda's JSON.parse of
  // the event gives a handler — and every value here is a string, an array of strings, a number or
  // null, so the event is exactly what the JSON round trip of API Gateway's event would give.
  const headers = new Map<string, string>();
  const multiValueHeaders = new Map<string, string[]>();
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i] ?? '';
    const value = req.rawHeaders[i + 1] ?? '';
    headers.set(name, value);
    const values = multiValueHeaders.get(name);
    if (values) values.push(value);
    else multiValueHeaders.set(name, [value]);
  }
  const query = new Map<string, string>();
  const multiQuery = new Map<string, string[]>();
  if (queryString !== '') {
    for (const [key, value] of new URLSearchParams(queryString)) {
      query.set(key, value);
      const values = multiQuery.get(key);
      if (values) values.push(value);
      else multiQuery.set(key, [value]);
    }
  }
  const hasQuery = query.size > 0;
  const now = Date.now();
  return {
    resource: route.path,
    path,
    httpMethod: method,
    headers: Object.fromEntries(headers),
    multiValueHeaders: Object.fromEntries(multiValueHeaders),
    queryStringParameters: hasQuery ? Object.fromEntries(query) : null,
    multiValueQueryStringParameters: hasQuery ? Object.fromEntries(multiQuery) : null,
    pathParameters: Object.keys(pathParameters).length > 0 ? { ...pathParameters } : null,
    stageVariables: null,
    body: body.length > 0 ? body.toString('utf8') : null,
    isBase64Encoded: false,
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      authorizer: null,
      protocol: `HTTP/${req.httpVersion}`,
      httpMethod: method,
      identity: localIdentity(req),
      path: `/local${path}`,
      stage: 'local',
      requestId: randomUUID(),
      requestTimeEpoch: now,
      resourceId: route.entry,
      resourcePath: route.path,
    },
  };
}

function localIdentity(req: IncomingMessage): APIGatewayProxyEvent['requestContext']['identity'] {
  return {
    accessKey: null,
    accountId: null,
    apiKey: null,
    apiKeyId: null,
    caller: null,
    clientCert: null,
    cognitoAuthenticationProvider: null,
    cognitoAuthenticationType: null,
    cognitoIdentityId: null,
    cognitoIdentityPoolId: null,
    principalOrgId: null,
    sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
    user: null,
    userAgent: req.headers['user-agent'] ?? null,
    userArn: null,
  };
}
