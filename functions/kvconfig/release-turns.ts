import { ReleaseContendedError } from './errors.js';

/**
 * How concurrent publishes and rollbacks of one namespace take turns. A release commits with a
 * transaction conditioned on the head's sequence, so of N racing writers one wins per round and the
 * rest redo their work; with 60 writers in one process the last waited through dozens of rounds and
 * gave up with a 500. Two measures keep every writer's wait bounded and fair:
 *
 * - Within a process (the local runtime serves every request; a Lambda container, one at a time)
 *   writers of a namespace queue first come, first served, so they never race each other.
 * - Across processes (several Lambda containers) the conditional commit still decides; a writer that
 *   lost retries after a short random pause, capped so that an early writer is not pushed behind
 *   later ones by an ever-growing backoff.
 *
 * Each writer has `budgetMs` in all, queueing included; past it the answer is a 409 that tells the
 * client to retry, never a 500.
 */
export const RELEASE_TURN_DEFAULTS = { budgetMs: 10_000, maxPauseMs: 50 } as const;

const tails = new Map<string, Promise<void>>();

/** What one commit attempt reports: the committed value, or `lost` when another writer moved the head first. */
export type Attempt<T> = { committed: T } | 'lost';

/**
 * Runs `attempt` for the namespace `key` in its turn, repeating it while it loses to writers in other
 * processes, until it commits or the budget runs out (ReleaseContendedError, a 409).
 */
export async function inTurn<T>(
  key: string,
  attempt: () => Promise<Attempt<T>>,
  options: { budgetMs?: number; maxPauseMs?: number; what?: string } = {},
): Promise<T> {
  const { budgetMs, maxPauseMs } = { ...RELEASE_TURN_DEFAULTS, ...options };
  const deadline = Date.now() + budgetMs;
  const previous = tails.get(key) ?? Promise.resolve();
  let done!: () => void;
  const mine = new Promise<void>((resolve) => (done = resolve));
  const tail = previous.then(() => mine);
  tails.set(key, tail);
  let attempts = 0;
  try {
    if (!(await before(previous, deadline))) throw new ReleaseContendedError(options.what ?? key, budgetMs, attempts);
    while (Date.now() < deadline) {
      attempts += 1;
      const outcome = await attempt();
      if (outcome !== 'lost') return outcome.committed;
      await pause(Math.min(Math.random() * maxPauseMs, Math.max(0, deadline - Date.now())));
    }
    throw new ReleaseContendedError(options.what ?? key, budgetMs, attempts);
  } finally {
    done();
    if (tails.get(key) === tail) tails.delete(key);
  }
}

/** Whether `turn` settled before `deadline`. */
async function before(turn: Promise<void>, deadline: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), Math.max(0, deadline - Date.now()));
  });
  try {
    return await Promise.race([turn.then(() => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
