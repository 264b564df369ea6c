import type { NamespacePath } from './keys.js';
import { getNamespace } from './store/hierarchy.js';

/**
 * The long poll's only DynamoDB cost: one eventually consistent GetItem of the namespace item (well
 * under 4 KB: 0.5 read unit) every POLL_INTERVAL_MS per watched namespace, shared by every waiter on
 * that namespace in the same process. In Lambda a container serves one request at a time, so each
 * waiting client costs at most 1000 / POLL_INTERVAL_MS reads per second (2 reads = 1 RCU per
 * second); the local runtime serves many waiters in one process and shares the read.
 */
export const POLL_INTERVAL_MS = 500;

type Waiter = (releaseId: string | undefined) => void;
type Watch = { waiters: Set<Waiter>; timer: NodeJS.Timeout | undefined };

const watches = new Map<string, Watch>();

function keyOf(p: NamespacePath): string {
  return `${p.env}#${p.app}#${p.cluster}#${p.namespace}`;
}

async function poll(p: NamespacePath, watch: Watch): Promise<void> {
  let releaseId: string | undefined;
  try {
    releaseId = (await getNamespace(p, false))?.latest_release_id;
  } catch {
    // A failed read is skipped; the next tick reads again.
    releaseId = undefined;
  }
  for (const waiter of watch.waiters) waiter(releaseId);
  if (watch.waiters.size > 0) watch.timer = setTimeout(() => void poll(p, watch), POLL_INTERVAL_MS);
  else {
    watch.timer = undefined;
    watches.delete(keyOf(p));
  }
}

/**
 * Calls `onHead` with the namespace's latest release id on every poll until the returned function
 * is called.
 */
export function watchHead(p: NamespacePath, onHead: Waiter): () => void {
  const key = keyOf(p);
  let watch = watches.get(key);
  if (!watch) {
    watch = { waiters: new Set(), timer: undefined };
    watches.set(key, watch);
  }
  watch.waiters.add(onHead);
  if (!watch.timer) {
    const current = watch;
    current.timer = setTimeout(() => void poll(p, current), POLL_INTERVAL_MS);
  }
  return () => {
    watch.waiters.delete(onHead);
  };
}

/**
 * A release of `p` has just committed in this process: its waiters here learn the new release id at
 * once, without waiting for their next read. Locally every request runs in one process, so a publish
 * wakes every long poll immediately; in Lambda the publishing container rarely holds the waiters,
 * which then see the change at their next poll (at most POLL_INTERVAL_MS later), as before.
 */
export function headChanged(p: NamespacePath, releaseId: string): void {
  const watch = watches.get(keyOf(p));
  if (!watch) return;
  for (const waiter of watch.waiters) waiter(releaseId);
}
