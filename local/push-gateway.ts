import { randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { pathToFileURL } from 'node:url';
import type { Context } from 'aws-lambda';
import { WebSocketServer } from 'ws';
import type { WebSocket } from 'ws';
import { LOCAL_CONNECTIONS, PUSH_API } from '../functions/kvconfig/push-routes.js';
import type { LocalConnections } from '../functions/kvconfig/push-routes.js';
import type { WebSocketEvent, WebSocketResult } from '../functions/shared/websocket.js';
import type { ProxyResult } from '../functions/shared/families.js';
import type { LocalEndpoint } from './gateway.js';
import { lambdaContext } from './lambda-context.js';

type RouteHandler = (event: WebSocketEvent, context: Context) => Promise<WebSocketResult>;

/** API Gateway's WebSocket quotas: a message of at most 128 KB, 10 minutes idle, 2 hours in all. */
const MAX_MESSAGE_BYTES = 128 * 1024;
export type PushGatewayOptions = Readonly<{
  idleSeconds?: number;
  maxSeconds?: number;
  /** How the functions reach the connections: in-process (default) or the SDK over HTTP. */
  transport?: 'local' | 'sdk';
}>;

type Connection = {
  socket: WebSocket;
  connectedAt: number;
  lastActiveAt: number;
  sourceIp: string;
  userAgent: string;
  idle?: NodeJS.Timeout;
  max?: NodeJS.Timeout;
};

/**
 * The local API Gateway WebSocket API: accepts handshakes on `PUSH_API.localPath` on the same port as
 * the REST routes, runs the `$connect` function (its status answers the handshake), routes each
 * message by its `action` (`$request.body.action`) to the route's function or `$default`, runs
 * `$disconnect` when the connection ends, and serves the management API the functions post through
 * (`/local/ws/@connections/{id}`: POST, GET, DELETE — the SDK's own protocol, behind the same SigV4
 * check as `/local/sfn`). The idle and duration limits are API Gateway's, so clients meet them here.
 */
export function createPushGateway(options: PushGatewayOptions = {}) {
  const idleMs = (options.idleSeconds ?? 600) * 1000;
  const maxMs = (options.maxSeconds ?? 7200) * 1000;
  const server = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  const connections = new Map<string, Connection>();
  let closing = false;
  const modules = new Map<string, Promise<RouteHandler>>();
  const routes = new Map<string, string | undefined>(PUSH_API.routes.map((r) => [r.routeKey, r.entry]));

  const load = (entry: string) => {
    let loaded = modules.get(entry);
    if (!loaded) {
      const url = pathToFileURL(new URL(`../functions/${entry}.ts`, import.meta.url).pathname).href;
      loaded = import(url).then((mod: { handler: RouteHandler }) => mod.handler);
      modules.set(entry, loaded);
    }
    return loaded;
  };

  async function invoke(routeKey: string, event: WebSocketEvent): Promise<WebSocketResult | undefined> {
    const entry = routes.has(routeKey) ? routes.get(routeKey) : routes.get('$default');
    if (!entry) return undefined;
    const handler = await load(entry);
    return handler(event, lambdaContext(entry, 29_000));
  }

  function context(connectionId: string, routeKey: string, eventType: WebSocketEvent['requestContext']['eventType'], connection: Connection) {
    return {
      routeKey,
      eventType,
      connectionId,
      connectedAt: connection.connectedAt,
      requestTimeEpoch: Date.now(),
      identity: { sourceIp: connection.sourceIp, userAgent: connection.userAgent },
      domainName: 'localhost',
      stage: 'local',
      apiId: 'local',
      requestId: randomUUID(),
      messageDirection: 'IN',
    };
  }

  /** Any frame either way restarts the idle clock, as API Gateway's does. */
  function touch(connection: Connection): void {
    connection.lastActiveAt = Date.now();
    clearTimeout(connection.idle);
    connection.idle = setTimeout(() => connection.socket.close(1001, 'Going away'), idleMs);
    connection.idle.unref();
  }

  function onMessage(connectionId: string, connection: Connection, data: Buffer): void {
    touch(connection);
    const body = data.toString('utf8');
    let action: unknown;
    try {
      action = (JSON.parse(body) as { action?: unknown } | null)?.action;
    } catch {
      action = undefined;
    }
    const routeKey = typeof action === 'string' && routes.has(action) && !action.startsWith('$') ? action : '$default';
    void invoke(routeKey, { requestContext: context(connectionId, routeKey, 'MESSAGE', connection), body, isBase64Encoded: false }).catch(() => undefined);
  }

  /** Answers a refused handshake the way API Gateway does: the `$connect` function's status and body. */
  function refuse(socket: Duplex, result: WebSocketResult): void {
    const body = result.body ?? '';
    const status = result.statusCode;
    socket.end(
      `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\ncontent-type: ${result.headers?.['content-type'] ?? 'application/json'}\r\n` +
        `content-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
    );
  }

  /** The HTTP server's `upgrade` listener: true when the request was for the push API. */
  async function upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<boolean> {
    const [rawPath = '/', rawQuery = ''] = (req.url ?? '/').split('?');
    if (rawPath !== PUSH_API.localPath) return false;
    if ((req.headers.upgrade ?? '').toLowerCase() !== 'websocket' || !req.headers['sec-websocket-key']) {
      refuse(socket, { statusCode: 400, body: JSON.stringify({ code: 400, message: 'a WebSocket handshake is expected here' }) });
      return true;
    }
    const connectionId = `${randomBytes(10).toString('base64url')}=`;
    const connection: Connection = {
      socket: undefined as unknown as WebSocket,
      connectedAt: Date.now(),
      lastActiveAt: Date.now(),
      sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
      userAgent: req.headers['user-agent'] ?? '',
    };
    const headers = new Map<string, string>();
    for (let i = 0; i < req.rawHeaders.length; i += 2) headers.set(req.rawHeaders[i] ?? '', req.rawHeaders[i + 1] ?? '');
    const query = new URLSearchParams(rawQuery);
    const event: WebSocketEvent = JSON.parse(
      JSON.stringify({
        requestContext: context(connectionId, '$connect', 'CONNECT', connection),
        headers: Object.fromEntries(headers),
        queryStringParameters: query.size > 0 ? Object.fromEntries(query) : null,
        isBase64Encoded: false,
      }),
    ) as WebSocketEvent;
    let result: WebSocketResult | undefined;
    try {
      result = await invoke('$connect', event);
    } catch {
      result = { statusCode: 500, body: JSON.stringify({ code: 500, message: 'internal error' }) };
    }
    if (result && result.statusCode !== 200) {
      refuse(socket, result);
      return true;
    }
    server.handleUpgrade(req, socket, head, (ws) => {
      connection.socket = ws;
      connections.set(connectionId, connection);
      touch(connection);
      connection.max = setTimeout(() => ws.close(1001, 'Going away'), maxMs);
      connection.max.unref();
      ws.on('message', (data: Buffer) => onMessage(connectionId, connection, data));
      ws.on('error', () => ws.terminate());
      ws.on('close', (code, reason) => {
        clearTimeout(connection.idle);
        clearTimeout(connection.max);
        connections.delete(connectionId);
        // The runtime is stopping: its store may already be gone, and TTL removes the items.
        if (closing) return;
        void invoke('$disconnect', {
          requestContext: { ...context(connectionId, '$disconnect', 'DISCONNECT', connection) },
          headers: null,
          body: JSON.stringify({ code, reason: reason.toString('utf8') }),
        }).catch(() => undefined);
      });
    });
    return true;
  }

  const CONNECTION_PATH = /^\/local\/ws\/@connections\/([^/]+)$/;
  const gone = (id: string): ProxyResult => ({
    statusCode: 410,
    headers: { 'content-type': 'application/json', 'x-amzn-errortype': 'GoneException' },
    body: JSON.stringify({ message: `connection ${id} is gone` }),
  });

  /** The management API's two operations, in-process (`PUSH_TRANSPORT=local`). */
  const local: LocalConnections = {
    post: (id, data) => {
      const connection = connections.get(id);
      if (!connection || connection.socket.readyState !== connection.socket.OPEN) return 'gone';
      connection.socket.send(data);
      touch(connection);
      return 'sent';
    },
    close: (id) => connections.get(id)?.socket.close(1000, 'closed by the server'),
  };
  (globalThis as Record<symbol, LocalConnections>)[LOCAL_CONNECTIONS] = local;

  /** The management API (`@connections`), as API Gateway serves it for the stage. */
  const endpoint: LocalEndpoint = async ({ method, path, body }): Promise<ProxyResult | undefined> => {
    const match = CONNECTION_PATH.exec(path);
    if (!match) return undefined;
    const id = decodeURIComponent(match[1] ?? '');
    const connection = connections.get(id);
    if (!connection || connection.socket.readyState !== connection.socket.OPEN) return gone(id);
    if (method === 'POST') {
      if (Buffer.byteLength(body) > MAX_MESSAGE_BYTES) {
        return {
          statusCode: 413,
          headers: { 'content-type': 'application/json', 'x-amzn-errortype': 'PayloadTooLargeException' },
          body: '{"message":"payload too large"}',
        };
      }
      connection.socket.send(body);
      touch(connection);
      return { statusCode: 200, headers: { 'content-type': 'application/json' }, body: '{}' };
    }
    if (method === 'DELETE') {
      connection.socket.close(1000, 'closed by the server');
      return { statusCode: 204, headers: { 'content-type': 'application/json' }, body: '' };
    }
    if (method === 'GET') {
      return {
        statusCode: 200,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          ConnectedAt: new Date(connection.connectedAt).toISOString(),
          LastActiveAt: new Date(connection.lastActiveAt).toISOString(),
          Identity: { SourceIp: connection.sourceIp, UserAgent: connection.userAgent },
        }),
      };
    }
    return { statusCode: 405, headers: { 'content-type': 'application/json' }, body: '{"message":"method not allowed"}' };
  };

  return {
    upgrade,
    endpoint,
    /** Open connections right now (tests and the benchmark). */
    connectionCount: () => connections.size,
    close: () => {
      closing = true;
      for (const connection of connections.values()) connection.socket.terminate();
      server.close();
    },
  };
}

export type PushGateway = ReturnType<typeof createPushGateway>;
