/**
 * Domain errors shared by every family. Each carries the HTTP status it maps to; the family's
 * envelope (`families.ts`) decides how it is rendered, so a handler never builds an error body.
 * `code` is an optional family-specific code (release-system 40001…, app-store `APP.NotExis`…).
 */
export class HttpError extends Error {
  override name = 'HttpError';
  readonly statusCode: number;
  readonly code: string | number | undefined;
  readonly details: unknown;
  /** Safe to show the message to the caller (false for unexpected internal errors). */
  readonly expose: boolean;

  constructor(statusCode: number, message: string, options: { code?: string | number; details?: unknown; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.statusCode = statusCode;
    this.code = options.code;
    this.details = options.details;
    this.expose = statusCode < 500;
  }
}

/** 400: input that fails validation. `field` is the dotted path of the offending value. */
export class ValidationError extends HttpError {
  override name = 'ValidationError';
  readonly field: string | undefined;
  constructor(message: string, options: { field?: string; code?: string | number; details?: unknown } = {}) {
    super(400, message, options);
    this.field = options.field;
  }
}

export class UnauthorizedError extends HttpError {
  override name = 'UnauthorizedError';
  constructor(message = 'missing or invalid bearer token') {
    super(401, message);
  }
}

export class ForbiddenError extends HttpError {
  override name = 'ForbiddenError';
  constructor(message: string) {
    super(403, message);
  }
}

export class NotFoundError extends HttpError {
  override name = 'NotFoundError';
  constructor(message: string, options: { code?: string | number } = {}) {
    super(404, message, options);
  }
}

export class MethodNotAllowedError extends HttpError {
  override name = 'MethodNotAllowedError';
  readonly allowed: readonly string[];
  constructor(method: string, path: string, allowed: readonly string[]) {
    super(405, `method ${method} is not allowed on ${path}; allowed: ${allowed.join(', ')}`);
    this.allowed = allowed;
  }
}

/** 409: the resource exists, has children, or an operation on it is already in flight. */
export class ConflictError extends HttpError {
  override name = 'ConflictError';
  constructor(message: string, options: { code?: string | number; details?: unknown } = {}) {
    super(409, message, options);
  }
}

/** 414: the request line is longer than API Gateway takes (the path and query string). */
export class UriTooLongError extends HttpError {
  override name = 'UriTooLongError';
  constructor(message: string) {
    super(414, message);
  }
}

/** 431: the request line and headers together are larger than API Gateway takes. */
export class HeadersTooLargeError extends HttpError {
  override name = 'HeadersTooLargeError';
  constructor(message: string) {
    super(431, message);
  }
}

export class ServiceUnavailableError extends HttpError {
  override name = 'ServiceUnavailableError';
  constructor(message: string, options: { details?: unknown; cause?: unknown } = {}) {
    super(503, message, options);
  }
}

/** 500 with a message the family may show (a downstream failure the caller can act on). */
export class InternalError extends HttpError {
  override name = 'InternalError';
  constructor(message: string, options: { code?: string | number; cause?: unknown } = {}) {
    super(500, message, options);
  }
}
