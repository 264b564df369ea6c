/**
 * Errors of the deploy agent. Each sets `name` so logs and `instanceof` checks read well; the
 * command runner turns the command-ending ones into the `error_message` of a result.
 */

/** A flag or environment variable is missing or malformed. */
export class AgentOptionsError extends Error {
  override name = 'AgentOptionsError';
}

/** The API answered with an HTTP error (4xx/5xx); `code` is the envelope's code when there was one. */
export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: number | null,
    message: string,
    readonly retryAfterMs: number | null = null,
  ) {
    super(`API answered HTTP ${status}${code === null ? '' : ` (code ${code})`}: ${message}`);
  }
}

/** The API could not be reached (connection refused, reset, TLS failure, timeout). */
export class ApiUnreachableError extends Error {
  override name = 'ApiUnreachableError';
  constructor(url: string, options: { cause: unknown }) {
    super(`API unreachable at ${url}: ${describeCause(options.cause)}`, options);
  }
}

/** A 2xx answer that is not the envelope, or whose data does not match the protocol. */
export class ApiProtocolError extends Error {
  override name = 'ApiProtocolError';
}

/** state.json or a deploy.json could not be read or does not match its schema. */
export class InvalidFileError extends Error {
  override name = 'InvalidFileError';
}

/** The package could not be fetched: bad URL, HTTP error, network failure. */
export class DownloadError extends Error {
  override name = 'DownloadError';
}

/** The downloaded package does not have the SHA-256 the command asked for. */
export class ChecksumMismatchError extends Error {
  override name = 'ChecksumMismatchError';
  constructor(expected: string, actual: string) {
    super(`package sha256 mismatch: expected ${expected}, got ${actual}`);
  }
}

/** The archive holds an entry that would land outside the release folder, or a device file. */
export class UnsafePackageError extends Error {
  override name = 'UnsafePackageError';
}

/** A lifecycle hook exited non-zero, was killed, or passed its timeout. */
export class HookFailedError extends Error {
  override name = 'HookFailedError';
  constructor(
    readonly hook: string,
    readonly reason: string,
  ) {
    super(`hook "${hook}" ${reason}`);
  }
}

/**
 * Why a running command was interrupted: a cancel command, the server no longer wanting it
 * (409/410 on progress), its own timeout, or the agent stopping.
 */
export class CommandInterruptedError extends Error {
  override name = 'CommandInterruptedError';
  constructor(readonly reason: InterruptReason) {
    super(reason.message);
  }
}

export type InterruptReason = {
  kind: 'cancelled' | 'abandoned' | 'timed_out' | 'agent_stopping';
  message: string;
};

/** A short, one-line description of an error's cause chain for logs and messages. */
export function describeCause(cause: unknown): string {
  if (!(cause instanceof Error)) return String(cause);
  const inner = cause.cause instanceof Error ? `: ${describeCause(cause.cause)}` : '';
  const code = 'code' in cause && typeof cause.code === 'string' ? ` (${cause.code})` : '';
  return `${cause.message}${code}${inner}`;
}
