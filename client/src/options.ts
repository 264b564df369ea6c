import type { BackoffOptions } from './backoff.js';
import { resolveBackoff } from './backoff.js';

/** The part of a WebSocket the client uses: Node's global `WebSocket` and the `ws` package both fit. */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: 'open' | 'error', listener: () => void): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
  addEventListener(type: 'close', listener: (event: { code: number; reason: string }) => void): void;
}

/** `new WebSocket(url, { headers })`: the shape of Node 24's global WebSocket and of `ws`. */
export type WebSocketConstructor = new (url: string, init: { headers: Record<string, string> }) => WebSocketLike;

/** What a `ConfigClient` is created with. */
export type ConfigClientOptions = {
  /** The API's base URL, e.g. `http://127.0.0.1:8080` or an API Gateway stage URL. */
  readonly baseUrl: string;
  /** A bearer token of a user with the `config-client` role (or higher). */
  readonly token: string;
  readonly env: string;
  readonly appId: string;
  /** @default 'default' */
  readonly clusterName?: string;
  /**
   * The namespaces to load and watch.
   * @default ['application']
   */
  readonly namespaces?: readonly string[];
  /**
   * Folder for the local file cache: each namespace is written there after every load, and read at
   * `start()` when the server cannot be reached. No cache without it.
   */
  readonly cacheDir?: string;
  /**
   * Watch by push (the WebSocket API), with the long poll as fallback. `false`: long poll only.
   * @default true
   */
  readonly push?: boolean;
  /**
   * The push URL; in AWS the stack output `PushUrl`.
   * @default baseUrl with http→ws and `/api/v1/push` appended to its path
   */
  readonly pushUrl?: string;
  /** This instance's address for gray releases (the server uses the connection's address without it). */
  readonly ip?: string;
  /** This instance's labels for gray releases, comma-separated. */
  readonly label?: string;
  /**
   * Items per `configs` page (1–500).
   * @default 500
   */
  readonly pageSize?: number;
  /**
   * How long one long poll waits on the server (1–90 seconds).
   * @default 60
   */
  readonly pollTimeoutSeconds?: number;
  /**
   * How long a `configs` page may take before the request is abandoned (and retried or, at start,
   * the cache used).
   * @default 10000
   */
  readonly requestTimeoutMs?: number;
  /**
   * Keepalive on the push connection (API Gateway closes a connection idle for 10 minutes).
   * @default 300000
   */
  readonly pingIntervalMs?: number;
  /** Waits between retries after errors (fetch, long poll, push connection). */
  readonly backoff?: BackoffOptions;
  /** A `fetch` to use instead of the global one (tests, proxies). */
  readonly fetch?: typeof fetch;
  /** A WebSocket class to use instead of the global one, e.g. `(await import('ws')).WebSocket`. */
  readonly WebSocket?: WebSocketConstructor;
};

/** The options with every default applied and checked. */
export type ResolvedOptions = {
  readonly baseUrl: string;
  readonly token: string;
  readonly env: string;
  readonly appId: string;
  readonly clusterName: string;
  readonly namespaces: readonly string[];
  readonly cacheDir: string | undefined;
  readonly push: boolean;
  readonly pushUrl: string;
  readonly ip: string | undefined;
  readonly label: string | undefined;
  readonly pageSize: number;
  readonly pollTimeoutSeconds: number;
  readonly requestTimeoutMs: number;
  readonly pingIntervalMs: number;
  readonly backoff: Required<BackoffOptions>;
  readonly fetch: typeof fetch;
  readonly WebSocket: WebSocketConstructor | undefined;
};

/** The server's rule for app, cluster and namespace names (docs/kvconfig.md). */
const NAME = /^[A-Za-z0-9_.-]{1,64}$/;

function requireName(field: string, value: unknown): string {
  if (typeof value !== 'string' || !NAME.test(value)) {
    throw new TypeError(`${field} must be 1–64 letters, digits, '_', '-' or '.', got ${JSON.stringify(value)}`);
  }
  return value;
}

function requireInteger(field: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) throw new RangeError(`${field} must be an integer from ${min} to ${max}, got ${value}`);
  return value;
}

/** The default push URL: the API's own host and base path, `ws(s)://…/api/v1/push`. */
export function defaultPushUrl(baseUrl: string): string {
  const url = new URL(baseUrl);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/api/v1/push`;
  url.search = '';
  return url.toString();
}

/** Applies the defaults and checks every option, naming the option and the value received. */
export function resolveOptions(options: ConfigClientOptions): ResolvedOptions {
  let base: URL;
  try {
    base = new URL(options.baseUrl);
  } catch (error) {
    throw new TypeError(`baseUrl must be an absolute http(s) URL, got ${JSON.stringify(options.baseUrl)}`, { cause: error });
  }
  if (base.protocol !== 'http:' && base.protocol !== 'https:') throw new TypeError(`baseUrl must be http or https, got ${base.protocol}`);
  if (typeof options.token !== 'string' || options.token.length === 0) throw new TypeError('token must be a non-empty string (a config-client bearer token)');
  const namespaces = (options.namespaces ?? ['application']).map((name, index) => requireName(`namespaces[${index}]`, name));
  if (namespaces.length === 0) throw new TypeError('namespaces must name at least one namespace');
  if (new Set(namespaces).size !== namespaces.length) throw new TypeError(`namespaces must not repeat a name, got ${JSON.stringify(namespaces)}`);
  const pushUrl = options.pushUrl ?? defaultPushUrl(options.baseUrl);
  if (!/^wss?:\/\//.test(pushUrl)) throw new TypeError(`pushUrl must be a ws:// or wss:// URL, got ${JSON.stringify(pushUrl)}`);
  const fetchFunction = options.fetch ?? globalThis.fetch;
  return {
    baseUrl: base.toString().replace(/\/+$/, ''),
    token: options.token,
    // The server lower-cases env names; the cache file and push messages use the same spelling.
    env: requireName('env', options.env).toLowerCase(),
    appId: requireName('appId', options.appId),
    clusterName: requireName('clusterName', options.clusterName ?? 'default'),
    namespaces,
    cacheDir: options.cacheDir,
    push: options.push ?? true,
    pushUrl,
    ip: options.ip,
    label: options.label,
    pageSize: requireInteger('pageSize', options.pageSize ?? 500, 1, 500),
    pollTimeoutSeconds: requireInteger('pollTimeoutSeconds', options.pollTimeoutSeconds ?? 60, 1, 90),
    requestTimeoutMs: requireInteger('requestTimeoutMs', options.requestTimeoutMs ?? 10_000, 1, 600_000),
    pingIntervalMs: requireInteger('pingIntervalMs', options.pingIntervalMs ?? 540_000, 1000, 540_000),
    backoff: resolveBackoff(options.backoff),
    fetch: fetchFunction,
    WebSocket: options.WebSocket ?? globalThis.WebSocket,
  };
}
