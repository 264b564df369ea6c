import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Context } from 'aws-lambda';
import { headerValue } from './headers.js';
import { logger } from './observability.js';

/**
 * The event API Gateway's WebSocket API gives a Lambda proxy integration: `$connect` carries the
 * handshake's headers and query; messages carry `body`; every event names its connection.
 */
export type WebSocketEvent = Readonly<{
  requestContext: Readonly<{
    routeKey: string;
    eventType: 'CONNECT' | 'MESSAGE' | 'DISCONNECT';
    connectionId: string;
    connectedAt?: number;
    requestTimeEpoch?: number;
    identity?: Readonly<{ sourceIp?: string }>;
    domainName?: string;
    stage?: string;
  }>;
  headers?: Readonly<Record<string, string>> | null;
  queryStringParameters?: Readonly<Record<string, string>> | null;
  body?: string | null;
  isBase64Encoded?: boolean;
}>;

/** What a route answers: `$connect` accepts the handshake with 200 and refuses it with anything else. */
export type WebSocketResult = { statusCode: number; headers?: Record<string, string>; body?: string };

export function headerOf(event: WebSocketEvent, name: string): string | undefined {
  return headerValue(event.headers ?? null, name);
}

/**
 * Wraps a WebSocket route handler: Powertools logger with the Lambda context, and an unexpected
 * error logged and answered 500 (which refuses a `$connect`) rather than thrown.
 */
export function websocketHandler(fn: (event: WebSocketEvent, context: Context) => Promise<WebSocketResult>) {
  return middy<WebSocketEvent, WebSocketResult>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .handler(async (event, context) => {
      try {
        return await fn(event, context);
      } catch (error) {
        logger.error('websocket route failed', { routeKey: event.requestContext.routeKey, error: error as Error });
        return { statusCode: 500, body: JSON.stringify({ code: 500, message: 'internal error' }) };
      }
    });
}
