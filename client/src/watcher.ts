import { backoffDelay, delay } from './backoff.js';
import type { ConfigHttpApi } from './http-api.js';
import type { ResolvedOptions } from './options.js';
import { runPushSession } from './push-session.js';

/** How the client learns of changes right now. */
export type TransportState = 'idle' | 'connecting' | 'push' | 'poll' | 'closed';

/** What the watcher needs from the client. */
export type WatchSink = {
  /** The release key held for `namespace`. */
  heldKey(namespace: string): string;
  /**
   * The server names `releaseKey` for `namespace` (possibly the one held). Resolves once the client
   * holds that release or a later one, or has given up for now.
   */
  changed(namespace: string, releaseKey: string): Promise<void>;
  error(error: Error): void;
};

/** Resolves with `promise`, or with undefined as soon as `signal` aborts. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T | undefined> {
  if (signal.aborted) return Promise.resolve(undefined);
  return new Promise((done, fail) => {
    const onAbort = () => done(undefined);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        done(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        fail(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

/**
 * Watches every namespace: by push while a push connection is subscribed, by long polls (one per
 * namespace) whenever it is not. A push connection that cannot be opened or is refused starts the
 * polls and is tried again after a backoff with jitter; once a push connection is subscribed again,
 * the polls stop. Nothing is missed across a switch: both subscribe and poll with the held keys, and
 * the server answers a stale key at once.
 */
export class Watcher {
  readonly #options: ResolvedOptions;
  readonly #api: ConfigHttpApi;
  readonly #sink: WatchSink;
  readonly #stop = new AbortController();
  readonly #loops = new Set<Promise<void>>();
  #polls: AbortController | undefined;
  #state: TransportState = 'idle';

  constructor(options: ResolvedOptions, api: ConfigHttpApi, sink: WatchSink) {
    this.#options = options;
    this.#api = api;
    this.#sink = sink;
  }

  get state(): TransportState {
    return this.#state;
  }

  start(): void {
    if (this.#state !== 'idle') return;
    if (this.#options.push) {
      this.#state = 'connecting';
      this.#track(this.#pushLoop());
    } else this.#startPolling();
  }

  /** Stops every loop, aborts requests in flight, closes the push connection; resolves when all are done. */
  async stop(): Promise<void> {
    this.#state = 'closed';
    this.#stop.abort();
    this.#polls?.abort();
    while (this.#loops.size > 0) await Promise.allSettled([...this.#loops]);
  }

  #track(loop: Promise<void>): void {
    const tracked = loop
      .catch((error: unknown) => this.#sink.error(error instanceof Error ? error : new Error(String(error))))
      .finally(() => this.#loops.delete(tracked));
    this.#loops.add(tracked);
  }

  async #pushLoop(): Promise<void> {
    const signal = this.#stop.signal;
    let failures = 0;
    while (!signal.aborted) {
      const result = await runPushSession(
        this.#options,
        {
          namespaces: () =>
            this.#options.namespaces.map((namespaceName) => ({
              env: this.#options.env,
              appId: this.#options.appId,
              clusterName: this.#options.clusterName,
              namespaceName,
              releaseKey: this.#sink.heldKey(namespaceName),
            })),
          onLive: () => {
            this.#state = 'push';
            this.#stopPolling();
          },
          onChanged: (namespace, releaseKey) => void this.#sink.changed(namespace, releaseKey),
          onError: (error) => this.#sink.error(error),
        },
        signal,
      );
      if (signal.aborted) return;
      if (result.subscribed) {
        // A connection that worked ended (API Gateway ends each after 2 hours, a deploy, a network
        // blip): reconnect soon, without polling meanwhile; the subscription's held keys catch up.
        failures = 0;
        this.#state = 'connecting';
        if (result.error) this.#sink.error(result.error);
        await delay(backoffDelay(1, this.#options.backoff), signal);
        continue;
      }
      failures += 1;
      if (result.error) this.#sink.error(result.error);
      this.#startPolling();
      await delay(backoffDelay(failures, this.#options.backoff), signal);
    }
  }

  #startPolling(): void {
    if (this.#polls || this.#stop.signal.aborted) return;
    const polls = new AbortController();
    this.#polls = polls;
    this.#state = 'poll';
    for (const namespace of this.#options.namespaces) this.#track(this.#pollLoop(namespace, polls.signal));
  }

  #stopPolling(): void {
    this.#polls?.abort();
    this.#polls = undefined;
  }

  async #pollLoop(namespace: string, signal: AbortSignal): Promise<void> {
    let failures = 0;
    while (!signal.aborted) {
      try {
        const held = this.#sink.heldKey(namespace);
        const releaseKey = await this.#api.waitForChange(namespace, held, signal);
        if (releaseKey === undefined || releaseKey === held) {
          failures = 0;
          continue;
        }
        // Wait for the new release to be loaded before polling again with its key; a poll with the
        // old key would answer at once.
        await untilAborted(this.#sink.changed(namespace, releaseKey), signal);
        if (signal.aborted) return;
        if (this.#sink.heldKey(namespace) !== held) {
          failures = 0;
          continue;
        }
        // `configs` still served the held release: wait before asking again rather than spin.
        failures += 1;
        await delay(backoffDelay(failures, this.#options.backoff), signal);
      } catch (error) {
        if (signal.aborted) return;
        failures += 1;
        this.#sink.error(error instanceof Error ? error : new Error(String(error)));
        await delay(backoffDelay(failures, this.#options.backoff), signal);
      }
    }
  }
}
