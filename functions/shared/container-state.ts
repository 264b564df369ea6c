/**
 * What a function container keeps between invocations beyond its clients: caches (tokens, settings,
 * cluster connections). Each module that keeps such state registers how to forget it, so the local
 * runtime — where every function shares one process that never gets a new container — can do what
 * a Lambda restart does (`POST /admin/system/restart`): start the next request from nothing cached.
 */
const resets = new Map<string, () => void>();

/** Registers `forget` under a name a person can read in the restart answer (`helm settings cache`). */
export function onContainerReset(name: string, forget: () => void): void {
  resets.set(name, forget);
}

/** Forgets every registered cache; returns their names. */
export function resetContainerState(): string[] {
  for (const forget of resets.values()) forget();
  return [...resets.keys()];
}
