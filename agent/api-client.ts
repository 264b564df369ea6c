import { fetch, type Dispatcher } from 'undici';
import type * as z from 'zod';
import { ApiError, ApiProtocolError, ApiUnreachableError } from './errors.js';
import { EnvelopeSchema } from './protocol.js';

export type ApiClientOptions = {
  /** Base URL of the API, possibly with a path prefix (`https://x.execute-api…/prod`). */
  api: string;
  token: string;
  dispatcher: Dispatcher;
};

export type ApiRequest<T> = {
  method: 'GET' | 'POST';
  /** Path below the base URL, starting with `/v1/`. */
  path: string;
  query?: Record<string, string>;
  body?: unknown;
  /** Schema of the envelope's `data`. */
  schema: z.ZodType<T>;
  timeoutMs: number;
  signal?: AbortSignal;
};

/**
 * One attempt at one API call: Bearer token, JSON body, envelope unwrapped and validated. Retrying
 * is the caller's choice (see `isRetryable`), because a heartbeat, a poll and a result each retry
 * differently.
 */
export class ApiClient {
  private readonly base: string;

  constructor(private readonly options: ApiClientOptions) {
    this.base = options.api.replace(/\/+$/, '');
  }

  async call<T>(request: ApiRequest<T>): Promise<T> {
    const url = new URL(`${this.base}${request.path}`);
    for (const [key, value] of Object.entries(request.query ?? {})) url.searchParams.set(key, value);
    const signal = request.signal ? AbortSignal.any([request.signal, AbortSignal.timeout(request.timeoutMs)]) : AbortSignal.timeout(request.timeoutMs);
    let status: number;
    let text: string;
    let retryAfter: string | null;
    try {
      const response = await fetch(url, {
        method: request.method,
        headers: {
          authorization: `Bearer ${this.options.token}`,
          accept: 'application/json',
          ...(request.body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: request.body === undefined ? undefined : JSON.stringify(request.body),
        dispatcher: this.options.dispatcher,
        signal,
      });
      status = response.status;
      retryAfter = response.headers.get('retry-after');
      text = await response.text();
    } catch (error) {
      throw new ApiUnreachableError(`${request.method} ${url.pathname}`, { cause: error });
    }
    const envelope = EnvelopeSchema.safeParse(parseJson(text));
    if (status >= 400) {
      const message = envelope.success ? envelope.data.message : text.slice(0, 200) || 'no body';
      throw new ApiError(status, envelope.success ? envelope.data.code : null, message, parseRetryAfter(retryAfter));
    }
    if (!envelope.success) throw new ApiProtocolError(`${request.method} ${url.pathname} answered HTTP ${status} without the {code, message, data} envelope`);
    const data = request.schema.safeParse(envelope.data.data);
    if (!data.success) throw new ApiProtocolError(`${request.method} ${url.pathname} answered data the agent does not understand: ${data.error.message}`);
    return data.data;
  }
}

/** Network errors, timeouts, 5xx, 429 and malformed answers may succeed later; other 4xx will not. */
export function isRetryable(error: unknown): boolean {
  if (error instanceof ApiUnreachableError || error instanceof ApiProtocolError) return true;
  return error instanceof ApiError && (error.status >= 500 || error.status === 429);
}

/** The server no longer wants this command: it was cancelled or timed out (HTTP 409/410). */
export function isGone(error: unknown): error is ApiError {
  return error instanceof ApiError && (error.status === 409 || error.status === 410);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function parseRetryAfter(header: string | null): number | null {
  if (header === null) return null;
  const seconds = Number(header);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : null;
}
