import { backoffDelay, delay } from './backoff.js';
import type { ConfigChangeEvent } from './changes.js';
import { diffItems } from './changes.js';
import { ConfigClosedError, ConfigStartError, isRetryable } from './errors.js';
import type { NamespaceCoordinates } from './file-cache.js';
import { readCache, writeCache } from './file-cache.js';
import type { NamespaceSnapshot } from './http-api.js';
import { ConfigHttpApi } from './http-api.js';
import type { NamespaceState, SnapshotSource } from './namespace-config.js';
import { NamespaceConfig } from './namespace-config.js';
import type { ConfigClientOptions, ResolvedOptions } from './options.js';
import { resolveOptions } from './options.js';
import type { TransportState } from './watcher.js';
import { Watcher } from './watcher.js';

export type ChangeListener = (event: ConfigChangeEvent) => void | Promise<void>;
export type ErrorListener = (error: Error) => void;

/** Per namespace: what it holds, and the load in progress. */
type Slot = {
  state: NamespaceState | undefined;
  loading: Promise<void> | undefined;
  /** A newer release was told while a load ran: load once more when it ends. */
  again: boolean;
  wanted: string | undefined;
};

/**
 * The configuration center's client: loads its namespaces (all pages), keeps them in memory and in a
 * local file cache, watches for new releases (push, or long poll as fallback) and tells listeners
 * which keys changed. Create, `await start()`, read with `namespace(name).getString(…)`, `close()` at
 * the end.
 */
export class ConfigClient {
  readonly #options: ResolvedOptions;
  readonly #api: ConfigHttpApi;
  readonly #watcher: Watcher;
  readonly #slots = new Map<string, Slot>();
  readonly #views = new Map<string, NamespaceConfig>();
  readonly #changeListeners = new Set<ChangeListener>();
  readonly #errorListeners = new Set<ErrorListener>();
  readonly #closing = new AbortController();
  #started = false;
  #closed: Promise<void> | undefined;

  constructor(options: ConfigClientOptions) {
    this.#options = resolveOptions(options);
    this.#api = new ConfigHttpApi(this.#options);
    for (const name of this.#options.namespaces) {
      this.#slots.set(name, { state: undefined, loading: undefined, again: false, wanted: undefined });
      this.#views.set(name, new NamespaceConfig(name, () => this.#stateOf(name)));
    }
    this.#watcher = new Watcher(this.#options, this.#api, {
      heldKey: (namespace) => this.#stateOf(namespace).releaseKey,
      changed: (namespace, releaseKey) => this.#refresh(namespace, releaseKey),
      error: (error) => this.#reportError(error),
    });
  }

  /** How changes arrive right now: `push`, `poll` (fallback), `connecting`, `idle` before start, `closed`. */
  get transport(): TransportState {
    return this.#watcher.state;
  }

  /**
   * Loads every namespace from the server (all pages) and writes each to the cache; a namespace the
   * server cannot be reached for is served from the cache and loaded again in the background. Then
   * starts watching. Rejects (and closes the client) when a namespace is in neither, or when the
   * server refuses the request (401, 403, 404: a wrong token, role or name is not hidden by a cache).
   */
  async start(): Promise<void> {
    if (this.#started) throw new Error('start() was already called; create another ConfigClient to start again');
    this.#started = true;
    const loads = await Promise.allSettled(this.#options.namespaces.map((name) => this.#initialLoad(name)));
    const failed = loads.find((result): result is PromiseRejectedResult => result.status === 'rejected');
    if (this.#closing.signal.aborted) throw new ConfigClosedError('the client was closed during start()');
    if (failed) {
      await this.close();
      throw failed.reason instanceof Error ? failed.reason : new Error(String(failed.reason));
    }
    this.#watcher.start();
    for (const [name, slot] of this.#slots) if (slot.state?.source === 'cache') void this.#refresh(name, undefined);
  }

  /** Typed reads of one of the client's namespaces. */
  namespace(name: string): NamespaceConfig {
    const view = this.#views.get(name);
    if (!view) throw new RangeError(`namespace ${JSON.stringify(name)} is not one of this client's namespaces (${this.#options.namespaces.join(', ')})`);
    return view;
  }

  /** Every namespace's keys and values: `{ [namespace]: { [key]: value } }`. */
  getAll(): Record<string, Record<string, string>> {
    return Object.fromEntries(this.#options.namespaces.map((name) => [name, this.namespace(name).getAll()]));
  }

  /**
   * Calls `listener` when a namespace moves to a release whose items differ from the ones held, with
   * the changed keys. A release with the same items (a rollback to identical content) updates the
   * release key without an event. Returns a function that removes the listener.
   */
  onChange(listener: ChangeListener): () => void {
    this.#changeListeners.add(listener);
    return () => this.#changeListeners.delete(listener);
  }

  /**
   * Calls `listener` with errors of the background work: a load or poll that failed (it is retried
   * with backoff), the push connection refused (the long poll takes over), a cache write that failed,
   * a change listener that threw. The client keeps running; this is for logs and metrics.
   */
  onError(listener: ErrorListener): () => void {
    this.#errorListeners.add(listener);
    return () => this.#errorListeners.delete(listener);
  }

  /** Stops watching, aborts requests in flight and closes the push connection; resolves when nothing is left running. */
  close(): Promise<void> {
    this.#closed ??= (async () => {
      this.#closing.abort();
      await this.#watcher.stop();
      for (const slot of this.#slots.values()) await slot.loading?.catch(() => undefined);
    })();
    return this.#closed;
  }

  #stateOf(name: string): NamespaceState {
    const state = this.#slots.get(name)?.state;
    if (!state) throw new Error(`namespace ${name} is not loaded: call (and await) start() first`);
    return state;
  }

  #coordinates(namespaceName: string): NamespaceCoordinates {
    return { env: this.#options.env, appId: this.#options.appId, clusterName: this.#options.clusterName, namespaceName };
  }

  #reportError(error: Error): void {
    for (const listener of this.#errorListeners) {
      try {
        listener(error);
      } catch {
        // An error listener that throws has nowhere left to report to.
      }
    }
  }

  async #initialLoad(name: string): Promise<void> {
    let snapshot: NamespaceSnapshot | undefined;
    try {
      snapshot = await this.#api.fetchNamespace(name, this.#closing.signal);
    } catch (error) {
      if (error instanceof ConfigClosedError) throw error;
      const reason = error instanceof Error ? error.message : String(error);
      if (!isRetryable(error)) throw new ConfigStartError(name, `cannot load namespace ${name}: ${reason}`, { cause: error });
      const cached = this.#options.cacheDir ? await readCache(this.#options.cacheDir, this.#coordinates(name)) : undefined;
      if (!cached) {
        const where = this.#options.cacheDir ? `no cache of it in ${this.#options.cacheDir}` : 'no cacheDir option';
        throw new ConfigStartError(name, `cannot load namespace ${name} (${reason}) and there is ${where}`, { cause: error });
      }
      this.#reportError(error instanceof Error ? error : new Error(reason));
      await this.#apply(name, cached, 'cache');
      return;
    }
    if (snapshot) await this.#apply(name, snapshot, 'server');
  }

  /**
   * Loads `name` again because the server named `releaseKey` (undefined: load whatever is latest).
   * One load per namespace at a time; a key told during a load triggers one more load after it.
   */
  #refresh(name: string, releaseKey: string | undefined): Promise<void> {
    const slot = this.#slots.get(name);
    if (!slot || this.#closing.signal.aborted) return Promise.resolve();
    if (releaseKey !== undefined && slot.state?.releaseKey === releaseKey) return Promise.resolve();
    slot.wanted = releaseKey;
    if (slot.loading) {
      slot.again = true;
      return slot.loading;
    }
    const loading = (async () => {
      try {
        do {
          slot.again = false;
          await this.#loadWithRetry(name, slot);
          // Told during the load: load again only for a key the load did not reach.
        } while (slot.again && slot.wanted !== undefined && slot.wanted !== slot.state?.releaseKey && !this.#closing.signal.aborted);
      } finally {
        slot.loading = undefined;
      }
    })();
    slot.loading = loading;
    return loading;
  }

  async #loadWithRetry(name: string, slot: Slot): Promise<void> {
    const signal = this.#closing.signal;
    let failures = 0;
    while (!signal.aborted) {
      try {
        const held = slot.state;
        const snapshot = await this.#api.fetchNamespace(name, signal, held?.releaseKey);
        // Page 1 names the release held: nothing to load (a cached copy is now known to be current).
        if (snapshot) await this.#apply(name, snapshot, 'server');
        else if (held && slot.state === held) slot.state = { ...held, source: 'server' };
        return;
      } catch (error) {
        if (signal.aborted) return;
        failures += 1;
        this.#reportError(error instanceof Error ? error : new Error(String(error)));
      }
      await delay(backoffDelay(failures, this.#options.backoff), signal);
    }
  }

  /**
   * Holds `snapshot` for `name` and tells listeners what changed. A server snapshot of another release
   * is written to the cache first, so a release the application has seen is on disk.
   */
  async #apply(name: string, snapshot: NamespaceSnapshot, source: SnapshotSource): Promise<void> {
    const slot = this.#slots.get(name);
    if (!slot) return;
    const previous = slot.state;
    if (source === 'server' && this.#options.cacheDir && previous?.releaseKey !== snapshot.releaseKey) {
      try {
        await writeCache(this.#options.cacheDir, this.#coordinates(name), snapshot);
      } catch (error) {
        this.#reportError(new Error(`could not write the cache of ${name} in ${this.#options.cacheDir}`, { cause: error }));
      }
    }
    slot.state = { releaseKey: snapshot.releaseKey, items: snapshot.items, source };
    if (!previous) return;
    const changes = diffItems(previous.items, snapshot.items);
    if (Object.keys(changes).length > 0) this.#emit({ namespace: name, releaseKey: snapshot.releaseKey, previousReleaseKey: previous.releaseKey, changes });
  }

  #emit(event: ConfigChangeEvent): void {
    for (const listener of this.#changeListeners) {
      const failed = (error: unknown) => this.#reportError(new Error(`a change listener failed on ${event.namespace} ${event.releaseKey}`, { cause: error }));
      try {
        const result = listener(event);
        if (result instanceof Promise) result.catch(failed);
      } catch (error) {
        failed(error);
      }
    }
  }
}
