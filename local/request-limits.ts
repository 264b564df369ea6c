import { STATUS_CODES } from 'node:http';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { HeadersTooLargeError, HttpError, UriTooLongError, ValidationError } from '../functions/shared/errors.js';
import type { ProxyResult } from '../functions/shared/families.js';
import { familyOfPath, renderError } from '../functions/shared/families.js';

/**
 * Request-size limits of the local gateway, mirroring API Gateway REST APIs: the request line
 * (method, path with query string, protocol) may be at most 10,240 bytes, and so may the request line
 * and every header name and value together. Past them the answer is 414 or 431 in the family's
 * envelope, the family taken from the path alone.
 */
export const REQUEST_LIMITS = { requestLineBytes: 10_240, requestHeadBytes: 10_240 } as const;

/**
 * Node's own header limit (`maxHeaderSize`, 16 KiB by default) is raised well past ours, so that an
 * oversized request reaches the gateway, which can read its path and answer in the family's
 * envelope; Node would answer 431 itself with an empty body. Past this, see `answerClientError`.
 */
export const NODE_MAX_HEADER_BYTES = 1024 * 1024;

/** The 414/431 answer for a request over `REQUEST_LIMITS`, or undefined when it is within them. */
export function oversizedResponse(req: IncomingMessage): ProxyResult | undefined {
  const target = req.url ?? '/';
  const family = familyOfPath(target);
  const requestLine = Buffer.byteLength(`${req.method ?? 'GET'} ${target} HTTP/${req.httpVersion}`);
  if (requestLine > REQUEST_LIMITS.requestLineBytes) {
    return renderError(
      family,
      new UriTooLongError(`the request line is ${requestLine} bytes; the limit is ${REQUEST_LIMITS.requestLineBytes} bytes (shorten the query string)`),
    );
  }
  let head = requestLine;
  for (const field of req.rawHeaders) head += Buffer.byteLength(field);
  if (head > REQUEST_LIMITS.requestHeadBytes) {
    return renderError(
      family,
      new HeadersTooLargeError(`the request line and headers are ${head} bytes; the limit is ${REQUEST_LIMITS.requestHeadBytes} bytes together`),
    );
  }
  return undefined;
}

/** Node's status for a request it could not parse (what its default `clientError` answer uses). */
function clientErrorStatus(code: string | undefined): HttpError {
  if (code === 'HPE_HEADER_OVERFLOW') return new HeadersTooLargeError(`the request line and headers are over ${NODE_MAX_HEADER_BYTES} bytes`);
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') return new HttpError(408, 'the request was not received in time');
  return new ValidationError('the request is not valid HTTP/1.1');
}

/**
 * The server's `clientError` listener: a request Node could not parse (past `NODE_MAX_HEADER_BYTES`,
 * or malformed) gets a JSON answer instead of Node's empty one. Node hands over only the chunk it
 * failed on, so the family comes from its request line when that chunk starts with one, else the
 * platform's (helm) envelope is used.
 */
export function answerClientError(error: Error & { code?: string; rawPacket?: Buffer }, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const requestLine = /^[A-Z]+ (\/\S*)/.exec(error.rawPacket?.subarray(0, 2048).toString('latin1') ?? '');
  const result = renderError(familyOfPath(requestLine?.[1] ?? '/'), clientErrorStatus(error.code));
  const headers = Object.entries({ ...result.headers, 'content-length': String(Buffer.byteLength(result.body)), connection: 'close' })
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('');
  socket.end(`HTTP/1.1 ${result.statusCode} ${STATUS_CODES[result.statusCode] ?? 'Bad Request'}\r\n${headers}\r\n${result.body}`);
}
