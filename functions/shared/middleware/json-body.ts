import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { ValidationError } from '../errors.js';
import { headerValue } from '../headers.js';

/** API Gateway takes up to 10 MB; this API refuses anything past 1 MiB before parsing it. */
const defaults = { maxBytes: 1024 * 1024 };

export type JsonBodyOptions = Partial<typeof defaults>;

/**
 * Parses a JSON request body into `event.parsedBody`, turning malformed or oversized bodies into a
 * 400 that says what is wrong (the stock middy parser answers 415/422, which the families do not use).
 */
export function jsonBody(options: JsonBodyOptions = {}): MiddlewareObj<APIGatewayProxyEvent & { parsedBody?: unknown }> {
  const { maxBytes } = { ...defaults, ...options };
  const jsonBodyMiddlewareBefore: MiddlewareObj<APIGatewayProxyEvent & { parsedBody?: unknown }>['before'] = (request) => {
    const { event } = request;
    if (event.body === null || event.body === undefined || event.body === '') return;
    const raw = event.isBase64Encoded ? Buffer.from(event.body, 'base64') : Buffer.from(event.body, 'utf8');
    if (raw.length > maxBytes) {
      throw new ValidationError(`request body is ${raw.length} bytes; the limit is ${maxBytes} bytes (1 MiB)`, { field: 'body' });
    }
    const contentType = headerValue(event.headers, 'content-type') ?? 'application/json';
    if (!/json/i.test(contentType) && !/^text\/plain/i.test(contentType)) {
      throw new ValidationError(`content-type ${contentType} is not supported; send application/json`, { field: 'content-type' });
    }
    try {
      event.parsedBody = JSON.parse(raw.toString('utf8'));
    } catch (error) {
      throw new ValidationError(`request body is not valid JSON: ${(error as Error).message}`, { field: 'body' });
    }
  };
  return { before: jsonBodyMiddlewareBefore };
}
