/**
 * Errors of the client. Each sets `name` and keeps the underlying error as `cause`, so a log line
 * says what failed and why without a stack dive.
 */

/** The server answered with an error envelope (`{"code": 404, "message": "namespace not found: x"}`). */
export class ConfigServerError extends Error {
  override name = 'ConfigServerError';
  /** The HTTP status of the answer (the envelope's `code` is the same number). */
  readonly status: number;

  constructor(status: number, message: string, options: { cause?: unknown } = {}) {
    super(message, options);
    this.status = status;
  }

  /**
   * Worth retrying: the server is overloaded, restarting, or timed out. 400, 401, 403 and 404 say the
   * request itself is wrong (token, role, names) and repeating it gives the same answer.
   */
  get retryable(): boolean {
    return this.status >= 500 || this.status === 408 || this.status === 429;
  }
}

/** The server could not be reached (connection refused or cut, DNS, TLS, or no answer in time). */
export class ConfigUnreachableError extends Error {
  override name = 'ConfigUnreachableError';
  readonly retryable = true;

  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, options);
  }
}

/** An answer that is not what the API documents (not JSON, or fields missing or of the wrong type). */
export class ConfigProtocolError extends Error {
  override name = 'ConfigProtocolError';
  readonly retryable = true;

  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, options);
  }
}

/** `start()` could load a namespace neither from the server nor from the cache. */
export class ConfigStartError extends Error {
  override name = 'ConfigStartError';
  readonly namespace: string;

  constructor(namespace: string, message: string, options: { cause?: unknown } = {}) {
    super(message, options);
    this.namespace = namespace;
  }
}

/** The client was closed while the operation ran. */
export class ConfigClosedError extends Error {
  override name = 'ConfigClosedError';

  constructor(message = 'the config client is closed') {
    super(message);
  }
}

/** True when repeating the failed operation later may succeed. */
export function isRetryable(error: unknown): boolean {
  return error instanceof ConfigServerError || error instanceof ConfigUnreachableError || error instanceof ConfigProtocolError ? error.retryable : false;
}
