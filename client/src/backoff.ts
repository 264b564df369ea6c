/** How long to wait before the next attempt after consecutive failures. */
export type BackoffOptions = {
  /**
   * Upper bound of the first wait, in milliseconds.
   * @default 1000
   */
  readonly initialDelayMs?: number;
  /**
   * Cap of every wait, in milliseconds: however many errors in a row, a retry comes at least this often.
   * @default 30000
   */
  readonly maxDelayMs?: number;
  /**
   * Growth of the bound per consecutive failure.
   * @default 2
   */
  readonly multiplier?: number;
};

export const BACKOFF_DEFAULTS = { initialDelayMs: 1000, maxDelayMs: 30_000, multiplier: 2 } as const satisfies Required<BackoffOptions>;

/**
 * The wait before retry number `failures` (1 = after the first failure): "full jitter", a uniform
 * random time in [0, min(cap, initial × multiplier^(failures − 1))]. The randomness spreads clients
 * that lost the server at the same moment, so they do not all come back in the same millisecond.
 */
export function backoffDelay(failures: number, options: Required<BackoffOptions>, random: () => number = Math.random): number {
  const bound = Math.min(options.maxDelayMs, options.initialDelayMs * options.multiplier ** Math.max(0, failures - 1));
  return Math.round(random() * bound);
}

/** Resolves after `ms`, or at once when `signal` aborts; the timer never outlives the abort. */
export function delay(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((done) => {
    const finish = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', finish);
      done();
    };
    const timer = setTimeout(finish, ms);
    signal.addEventListener('abort', finish, { once: true });
  });
}

/** Checks the options a caller gave, with the value received in the message. */
export function resolveBackoff(options: BackoffOptions | undefined): Required<BackoffOptions> {
  const resolved = { ...BACKOFF_DEFAULTS, ...options };
  for (const [name, value] of Object.entries(resolved)) {
    if (!Number.isFinite(value) || value < 0) throw new RangeError(`backoff.${name} must be a non-negative number, got ${String(value)}`);
  }
  if (resolved.multiplier < 1) throw new RangeError(`backoff.multiplier must be at least 1, got ${resolved.multiplier}`);
  if (resolved.maxDelayMs < resolved.initialDelayMs) {
    throw new RangeError(`backoff.maxDelayMs (${resolved.maxDelayMs}) must be at least backoff.initialDelayMs (${resolved.initialDelayMs})`);
  }
  return resolved;
}
