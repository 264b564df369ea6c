import { HttpError, ValidationError } from './errors.js';

/**
 * The four API families and their envelopes (CONTRACTS.md, "envelope" column). `helm` also covers
 * the platform routes (`/health`, `/ready`, `/admin/*`) which helm-proxy.md defines.
 */
export const FAMILIES = ['helm', 'appstore', 'kvconfig', 'release'] as const;
export type Family = (typeof FAMILIES)[number];

/** What a handler returns; the family wraps `data` in its success envelope unless `raw` is set. */
export type HttpResult = {
  data?: unknown;
  /** Success message where the family has one (kvconfig, release). */
  message?: string;
  statusCode?: number;
  headers?: Record<string, string>;
  /** Extra top-level fields beside `data` (helm pagination). */
  extra?: Record<string, unknown>;
  /** Send `data` as the whole body, no envelope (`/health`, `/ready`, `/openapi.json`). */
  raw?: boolean;
  /**
   * `data` already serialized: a handler that keeps the JSON text of an immutable answer (`configs`)
   * hands it over to be put in the envelope as it is, instead of `data`. Not with `raw` or `extra`.
   */
  dataJson?: string;
};

/** A REST API proxy answer; `isBase64Encoded` marks a binary body (the local chart repository's packages), as API Gateway reads it. */
export type ProxyResult = { statusCode: number; headers: Record<string, string>; body: string; isBase64Encoded?: boolean };

const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8' } as const;

/** Renders a handler's success result in the family's envelope. */
export function renderSuccess(family: Family, result: HttpResult): ProxyResult {
  const statusCode = result.statusCode ?? 200;
  const headers = { ...JSON_HEADERS, ...result.headers };
  if (statusCode === 304) return { statusCode, headers, body: '' };
  if (result.dataJson !== undefined) {
    // `data` is the last member of every envelope without `extra`: `…"data":null}` becomes `…"data":<text>}`.
    const around = JSON.stringify(successEnvelope(family, statusCode, result.message, null));
    return { statusCode, headers, body: `${around.slice(0, -'null}'.length)}${result.dataJson}}` };
  }
  if (result.raw) return { statusCode, headers, body: JSON.stringify(result.data ?? null) };
  return { statusCode, headers, body: JSON.stringify(successEnvelope(family, statusCode, result.message, result.data ?? null, result.extra)) };
}

function successEnvelope(family: Family, statusCode: number, message: string | undefined, data: unknown, extra?: Record<string, unknown>): object {
  switch (family) {
    case 'helm':
      return { success: true, data, ...extra };
    case 'appstore':
      return { ResponseData: data };
    // A non-2xx status keeps the family's error code rule (kvconfig: the status; release: status × 100).
    case 'kvconfig':
      return { code: statusCode < 300 ? 0 : statusCode, message: message ?? 'success', data };
    case 'release':
      return { code: statusCode < 300 ? 200 : statusCode * 100, message: message ?? 'success', data };
  }
}

const HELM_CODES: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  409: 'conflict',
  414: 'uri_too_long',
  431: 'request_header_fields_too_large',
  500: 'internal_server_error',
  503: 'service_unavailable',
};

const APPSTORE_CODES: Record<number, string> = {
  400: 'Param.Invalid',
  401: 'AuthFailure.TokenFailure',
  403: 'AuthFailure.Forbidden',
  404: 'Route.NotFound',
  405: 'Route.MethodNotAllowed',
  409: 'Operation.Conflict',
  414: 'Param.Invalid',
  431: 'Param.Invalid',
  500: 'SystemError',
  503: 'SystemError',
};

/**
 * Renders an error in the family's envelope with the matching HTTP status. Unexpected errors
 * (anything not an `HttpError`) become a 500 whose message hides the internals.
 */
export function renderError(family: Family, error: unknown): ProxyResult {
  const known = error instanceof HttpError ? error : undefined;
  const status = known?.statusCode ?? 500;
  const message = known?.expose || known?.code !== undefined ? known.message : 'internal server error';
  const headers: Record<string, string> = { ...JSON_HEADERS };
  if (known && 'allowed' in known && Array.isArray(known.allowed)) headers.allow = known.allowed.join(', ');
  const body = {
    helm: () => ({
      success: false,
      error: {
        code:
          typeof known?.code === 'string'
            ? known.code
            : known instanceof ValidationError
              ? 'validation_failed'
              : (HELM_CODES[status] ?? 'internal_server_error'),
        message,
        details: known?.details ?? (known instanceof ValidationError && known.field ? `field: ${known.field}` : ''),
      },
    }),
    // The app store answers every error with HTTP 404 (app-store.md: "200或404").
    appstore: () => ({
      ResponseData: { Error: { Code: typeof known?.code === 'string' ? known.code : (APPSTORE_CODES[status] ?? 'SystemError'), Message: message } },
    }),
    kvconfig: () => ({ code: status, message, data: null }),
    release: () => ({ code: typeof known?.code === 'number' ? known.code : status * 100, message, data: null }),
  }[family]();
  return { statusCode: family === 'appstore' ? 404 : status, headers, body: JSON.stringify(body) };
}

/**
 * The family of a path, for requests that match no route (404/405 need an envelope too). Chosen
 * from the path alone: a query string or fragment is cut off first, so `/v1/stats?x=1` is still a
 * release-system path even when a caller passes a raw request target.
 */
export function familyOfPath(target: string): Family {
  const path = target.split(/[?#]/, 1)[0] ?? '';
  if (path.startsWith('/api/v1/')) return 'kvconfig';
  if (/^\/App[A-Z]\w*(\/|$)/.test(path)) return 'appstore';
  if (/^\/v1\/(deploy|service|instance|rollback|stats|health|agent)(\/|$)/.test(path)) return 'release';
  return 'helm';
}
