import type { NamespacePath } from './keys.js';
import { getNamespace } from './store/hierarchy.js';
import type { NamespaceRecord } from './store/records.js';

/**
 * The long poll's only DynamoDB cost: one eventually consistent GetItem of the namespace item (well
 * under 4 KB: 0.5 read unit) every POLL_INTERVAL_MS per watched namespace, shared by every waiter on
 * that namespace in the same process. In Lambda a container serves one request at a time, so each
 * waiting client costs at most 1000 / POLL_INTERVAL_MS reads per second (2 reads = 1 RCU per
 * second); the local runtime serves many waiters in one process and shares the read.
 *
 * Waiters get the namespace item itself, not one release id: with a gray release, each waiter
 * decides from the item which release its own client is served (`servedHead`), so one read still
 * serves every waiter of the namespace, gray or not.
 */
export const POLL_INTERVAL_MS = 500;

type Waiter = (ns: NamespaceRecord | undefined) => void;
type Watch = { waiters: Set<Waiter>; timer: NodeJS.Timeout | undefined };

const watches = new Map<string, Watch>();

function keyOf(p: NamespacePath): string {
  return `${p.env}#${p.app}#${p.cluster}#${p.namespace}`;
}

async function poll(p: NamespacePath, watch: Watch): Promise<void> {
  let ns: NamespaceRecord | undefined;
  try {
    ns = await getNamespace(p, false);
  } catch {
    // A failed read is skipped; the next tick reads again.
    ns = undefined;
  }
  for (const waiter of watch.waiters) waiter(ns);
  if (watch.waiters.size > 0) watch.timer = setTimeout(() => void poll(p, watch), POLL_INTERVAL_MS);
  else {
    watch.timer = undefined;
    watches.delete(keyOf(p));
  }
}

/**
 * Calls `onHead` with the namespace item (undefined when it is gone or the read failed) on every
 * poll until the returned function is called.
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
 * The head of `p` has just changed in this process (a publish, rollback, gray publish, gray rules
 * change, merge or abandon committed): its waiters here get the namespace item at once, without
 * waiting for their next read — `ns` when the caller has it, else one strongly consistent read shared
 * by all of them (made only when this process has waiters on `p`). Locally every request runs in one
 * process, so a change wakes every long poll it concerns immediately; in Lambda the changing
 * container rarely holds the waiters, which then see it at their next poll (at most
 * POLL_INTERVAL_MS later), as before. Never throws: a failed read leaves the waiters to their poll.
 */
export async function headChanged(p: NamespacePath, ns?: NamespaceRecord): Promise<void> {
  const watch = watches.get(keyOf(p));
  if (!watch || watch.waiters.size === 0) return;
  let head = ns;
  if (!head) {
    try {
      head = await getNamespace(p, true);
    } catch {
      return;
    }
  }
  for (const waiter of watch.waiters) waiter(head);
}
