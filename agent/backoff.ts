import { setTimeout as delay } from 'node:timers/promises';

/** First retry delay; doubles each attempt up to `BACKOFF_CAP_MS`. */
export const BACKOFF_BASE_MS = 250;
/** Retries never wait longer than this, so the agent notices a recovered API within ~10 s. */
export const BACKOFF_CAP_MS = 10_000;

/**
 * Exponential backoff with "equal jitter": half the window fixed, half random, so a fleet of agents
 * that lost the API together does not come back in lockstep.
 */
export function backoffDelayMs(attempt: number, minimumMs = 0): number {
  const window = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** Math.min(attempt, 16));
  const jittered = window / 2 + Math.random() * (window / 2);
  return Math.min(BACKOFF_CAP_MS, Math.max(jittered, minimumMs));
}

/** Sleeps, waking early (without throwing) when `signal` aborts. */
export async function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted || ms <= 0) return;
  try {
    await delay(ms, undefined, { signal });
  } catch {
    // Aborted: the caller checks its signal.
  }
}
