/**
 * Wakes an agent's waiting poll the moment a command is queued in the same process (the local
 * runtime, or a warm container that served both calls). Other processes rely on the poll's
 * re-reads; nothing here is needed for correctness.
 */
const waiters = new Map<string, Set<() => void>>();

export function notifyCommand(service: string, instance: string): void {
  for (const wake of waiters.get(`${service}#${instance}`) ?? []) wake();
}

/** Resolves after `ms`, or earlier when a command is queued for this agent. */
export function waitForCommand(service: string, instance: string, ms: number): Promise<void> {
  const key = `${service}#${instance}`;
  return new Promise((done) => {
    const set = waiters.get(key) ?? new Set();
    waiters.set(key, set);
    const finish = () => {
      clearTimeout(timer);
      set.delete(finish);
      if (set.size === 0) waiters.delete(key);
      done();
    };
    const timer = setTimeout(finish, ms);
    set.add(finish);
  });
}
