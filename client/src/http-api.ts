import { ConfigClosedError, ConfigProtocolError, ConfigServerError, ConfigUnreachableError } from './errors.js';
import type { ResolvedOptions } from './options.js';

/** A namespace's released items as one release shows them. */
export type NamespaceSnapshot = {
  readonly releaseKey: string;
  readonly items: ReadonlyMap<string, string>;
};

/** One `configs` page, checked. */
type ConfigsPage = { releaseKey: string; total: number; items: Map<string, string> };

/**
 * A publish can land between two pages; the client then starts again from page 1. Ten publishes in a
 * row during one load means something is publishing in a loop: give up and let the caller retry later.
 */
const MAX_PAGING_RESTARTS = 10;

/** Extra time a long poll's request may take beyond the server-side `timeout` before it is abandoned. */
const POLL_GRACE_MS = 30_000;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The calls of the configuration center the client makes: `configs` pages and the long poll. */
export class ConfigHttpApi {
  readonly #options: ResolvedOptions;

  constructor(options: ResolvedOptions) {
    this.#options = options;
  }

  /** `…/namespaces/{namespace}/{route}` with the gray-release parameters. */
  #url(namespace: string, route: 'configs' | 'notifications', query: Record<string, string>): string {
    const o = this.#options;
    const path = [o.env, 'apps', o.appId, 'clusters', o.clusterName, 'namespaces', namespace, route].map(encodeURIComponent).join('/');
    const params = new URLSearchParams(query);
    if (o.ip !== undefined) params.set('ip', o.ip);
    if (o.label !== undefined) params.set('label', o.label);
    return `${o.baseUrl}/api/v1/envs/${path}?${params.toString()}`;
  }

  /**
   * GETs `url` and returns the HTTP status and the parsed envelope. Network failures, cut
   * connections and answers slower than `timeoutMs` become ConfigUnreachableError; `signal` (the
   * client closing) becomes ConfigClosedError.
   */
  async #get(url: string, timeoutMs: number, signal: AbortSignal): Promise<{ status: number; envelope: Record<string, unknown> }> {
    const timeout = AbortSignal.timeout(timeoutMs);
    let status: number;
    let text: string;
    try {
      const response = await this.#options.fetch(url, {
        headers: { authorization: `Bearer ${this.#options.token}`, accept: 'application/json' },
        signal: AbortSignal.any([signal, timeout]),
      });
      status = response.status;
      text = await response.text();
    } catch (error) {
      if (signal.aborted) throw new ConfigClosedError();
      if (timeout.aborted) throw new ConfigUnreachableError(`no answer from ${new URL(url).origin} within ${timeoutMs} ms`, { cause: error });
      const reason = error instanceof Error && error.cause instanceof Error ? error.cause.message : String(error);
      throw new ConfigUnreachableError(`cannot reach ${new URL(url).origin}: ${reason}`, { cause: error });
    }
    let envelope: unknown;
    try {
      envelope = JSON.parse(text);
    } catch (error) {
      // A proxy or load balancer in front of the API answers HTML on its own errors.
      if (status !== 200) throw new ConfigServerError(status, `HTTP ${status} without a JSON body: ${text.slice(0, 200)}`, { cause: error });
      throw new ConfigProtocolError(`the answer of ${url} is not JSON: ${text.slice(0, 200)}`, { cause: error });
    }
    if (!isRecord(envelope)) throw new ConfigProtocolError(`the answer of ${url} is not a JSON object`);
    return { status, envelope };
  }

  /** An error envelope as an error that keeps the server's message. */
  #serverError(status: number, envelope: Record<string, unknown>): ConfigServerError {
    const message = typeof envelope.message === 'string' ? envelope.message : `HTTP ${status}`;
    return new ConfigServerError(status, message);
  }

  async #page(namespace: string, page: number, signal: AbortSignal): Promise<ConfigsPage> {
    const url = this.#url(namespace, 'configs', { page: String(page), size: String(this.#options.pageSize) });
    const { status, envelope } = await this.#get(url, this.#options.requestTimeoutMs, signal);
    if (status !== 200 || envelope.code !== 0) throw this.#serverError(status, envelope);
    const data = envelope.data;
    if (!isRecord(data) || typeof data.releaseKey !== 'string' || typeof data.total !== 'number' || !Number.isInteger(data.total) || !isRecord(data.items)) {
      throw new ConfigProtocolError(`configs page ${page} of ${namespace} lacks releaseKey, total or items`);
    }
    const items = new Map<string, string>();
    for (const [key, value] of Object.entries(data.items)) {
      if (typeof value !== 'string') throw new ConfigProtocolError(`configs page ${page} of ${namespace}: the value of ${JSON.stringify(key)} is not a string`);
      items.set(key, value);
    }
    return { releaseKey: data.releaseKey, total: data.total, items };
  }

  /**
   * Every item of the namespace's latest release: pages 1…n of `configs`. Each page is a slice of the
   * release its `releaseKey` names; when a later page names another release than page 1, a publish
   * happened in between and the load starts again from page 1, so the result is never a mix of two
   * releases. Returns undefined after page 1 when it names `heldKey`: a release never changes, so the
   * items held are the latest.
   */
  async fetchNamespace(namespace: string, signal: AbortSignal, heldKey?: string): Promise<(NamespaceSnapshot & { restarts: number }) | undefined> {
    for (let restarts = 0; ; restarts++) {
      const first = await this.#page(namespace, 1, signal);
      if (heldKey !== undefined && first.releaseKey === heldKey) return undefined;
      const items = new Map(first.items);
      const pages = Math.ceil(first.total / this.#options.pageSize);
      let moved = false;
      for (let page = 2; page <= pages && !moved; page++) {
        const next = await this.#page(namespace, page, signal);
        if (next.releaseKey !== first.releaseKey) moved = true;
        else for (const [key, value] of next.items) items.set(key, value);
      }
      if (!moved) {
        if (items.size !== first.total) {
          throw new ConfigProtocolError(`${namespace}: release ${first.releaseKey} has ${first.total} items but its pages held ${items.size}`);
        }
        return { releaseKey: first.releaseKey, items, restarts };
      }
      if (restarts >= MAX_PAGING_RESTARTS) {
        throw new ConfigProtocolError(`${namespace}: a new release was published during each of ${restarts + 1} loads in a row; retrying later`);
      }
    }
  }

  /**
   * One long poll: the namespace's new release key, or undefined when the server's timeout passed
   * with no change (its 408 answer). Answers at once when `releaseKey` is already stale.
   */
  async waitForChange(namespace: string, releaseKey: string, signal: AbortSignal): Promise<string | undefined> {
    const url = this.#url(namespace, 'notifications', { releaseKey, timeout: String(this.#options.pollTimeoutSeconds) });
    const { status, envelope } = await this.#get(url, this.#options.pollTimeoutSeconds * 1000 + POLL_GRACE_MS, signal);
    if (status === 408 && envelope.code === 408) return undefined;
    if (status !== 200 || envelope.code !== 0) throw this.#serverError(status, envelope);
    const data = envelope.data;
    if (!isRecord(data) || typeof data.releaseKey !== 'string') throw new ConfigProtocolError(`notifications of ${namespace} answered without a releaseKey`);
    return data.releaseKey;
  }
}
