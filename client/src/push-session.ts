import { ConfigServerError, ConfigUnreachableError } from './errors.js';
import type { ResolvedOptions, WebSocketLike } from './options.js';
import type { PushNamespace } from './push-protocol.js';
import { parseServerMessage, PING_MESSAGE, subscribeMessages } from './push-protocol.js';

/** How one push connection ended: whether it was ever subscribed (live), and what went wrong. */
export type PushSessionResult = { subscribed: boolean; error: Error | undefined };

/** What a push connection reports to the watcher. */
export type PushSessionHooks = {
  /** The namespaces to subscribe, each with the release key held now. */
  namespaces(): (PushNamespace & { releaseKey: string })[];
  /** Every subscribe message was acknowledged: changes now arrive on this connection. */
  onLive(): void;
  /** The server names a release of one of our namespaces (possibly one already held). */
  onChanged(namespace: string, releaseKey: string): void;
  onError(error: Error): void;
};

/** After close(), how long to wait for the server's close frame before giving up on the socket. */
const CLOSE_GRACE_MS = 2000;

/**
 * One push connection, from connect to close: subscribes every namespace with its held key, reports
 * `changed` messages, pings to stay under API Gateway's idle timeout. Resolves when the connection
 * is over — closed by the server, cut, refused, or closed because `signal` aborted.
 */
export function runPushSession(options: ResolvedOptions, hooks: PushSessionHooks, signal: AbortSignal): Promise<PushSessionResult> {
  const WebSocketClass = options.WebSocket;
  if (!WebSocketClass) {
    return Promise.resolve({
      subscribed: false,
      error: new ConfigUnreachableError('push: no WebSocket class (Node 22+ has a global one; or pass options.WebSocket)'),
    });
  }
  if (signal.aborted) return Promise.resolve({ subscribed: false, error: undefined });
  const ours = new Set(options.namespaces);
  const isOurs = (ns: PushNamespace) =>
    ns.env.toLowerCase() === options.env && ns.appId === options.appId && ns.clusterName === options.clusterName && ours.has(ns.namespaceName);

  return new Promise((done) => {
    let subscribed = false;
    let failure: Error | undefined;
    let expectedAcks = Infinity;
    let acks = 0;
    let ping: NodeJS.Timeout | undefined;
    let graceTimer: NodeJS.Timeout | undefined;
    let settled = false;
    let socket: WebSocketLike;

    const finish = () => {
      if (settled) return;
      settled = true;
      clearTimeout(ping);
      clearTimeout(connectTimer);
      clearTimeout(graceTimer);
      signal.removeEventListener('abort', onAbort);
      done({ subscribed, error: failure });
    };
    const closeWith = (error?: Error) => {
      failure ??= error;
      try {
        socket.close(1000, 'client closing');
      } catch {
        // Closing a socket that is already closing throws in some implementations; it is closing either way.
      }
      // A server that never answers the close frame must not keep the watcher (and the process) waiting.
      graceTimer ??= setTimeout(finish, CLOSE_GRACE_MS);
    };
    // A ping only after a silence of pingIntervalMs either way: any frame keeps API Gateway's idle clock
    // at zero, and each ping is a billed message (docs/costs.md).
    const armPing = () => {
      if (settled) return;
      clearTimeout(ping);
      ping = setTimeout(() => send(PING_MESSAGE), options.pingIntervalMs);
    };
    const send = (text: string) => {
      armPing();
      try {
        socket.send(text);
      } catch (error) {
        closeWith(new ConfigUnreachableError('push: sending on the connection failed', { cause: error }));
      }
    };
    const onAbort = () => closeWith();

    const connectTimer = setTimeout(
      () => closeWith(new ConfigUnreachableError(`push: not subscribed within ${options.requestTimeoutMs} ms of connecting to ${options.pushUrl}`)),
      options.requestTimeoutMs,
    );
    try {
      socket = new WebSocketClass(options.pushUrl, { headers: { authorization: `Bearer ${options.token}` } });
    } catch (error) {
      failure = new ConfigUnreachableError(`push: cannot open ${options.pushUrl}`, { cause: error });
      finish();
      return;
    }
    signal.addEventListener('abort', onAbort, { once: true });

    socket.addEventListener('open', () => {
      const messages = subscribeMessages(hooks.namespaces(), { ip: options.ip, label: options.label });
      expectedAcks = messages.length;
      for (const message of messages) send(message);
    });
    socket.addEventListener('message', (event) => {
      armPing();
      const message = parseServerMessage(event.data);
      if (!message) return;
      if (message.type === 'subscribed') {
        // A namespace whose held key is stale is also told by a `changed` message; acting on the
        // acknowledgement's key as well costs nothing (the client ignores a key it already holds).
        for (const ns of message.namespaces) if (ns.releaseKey !== null && isOurs(ns)) hooks.onChanged(ns.namespaceName, ns.releaseKey);
        acks += 1;
        if (!subscribed && acks >= expectedAcks) {
          subscribed = true;
          clearTimeout(connectTimer);
          hooks.onLive();
        }
      } else if (message.type === 'changed') {
        if (isOurs(message)) hooks.onChanged(message.namespaceName, message.releaseKey);
      } else {
        const error = new ConfigServerError(message.code, `push: ${message.message}`);
        hooks.onError(error);
        // Refused before every namespace was subscribed: this connection would leave some unwatched.
        if (!subscribed) closeWith(error);
      }
    });
    socket.addEventListener('error', () => {
      // The event carries no status: a refused upgrade (401/403) looks like a network error here.
      failure ??= new ConfigUnreachableError(`push: connection to ${options.pushUrl} failed or was refused`);
    });
    socket.addEventListener('close', (event) => {
      if (!subscribed && !signal.aborted) failure ??= new ConfigUnreachableError(`push: connection closed before subscribing (${event.code} ${event.reason})`);
      finish();
    });
  });
}
