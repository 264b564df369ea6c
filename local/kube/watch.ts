import type { ServerResponse } from 'node:http';
import { badRequest, expired } from './errors.js';
import type { KubeRest } from './rest.js';
import { groupVersionOf, type ResourceType } from './resources.js';
import { fieldMatcher, labelMatcher } from './selectors.js';
import type { KubeObject, StoreEvent } from './store.js';

/** Kubernetes picks a random watch lifetime between 30 and 60 minutes; a fixed 30 keeps it predictable. */
const DEFAULT_TIMEOUT_SECONDS = 1800;
const BOOKMARK_INTERVAL_MS = 60_000;

type WatchEvent = { type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR'; object: Record<string, unknown> };

/**
 * Serves `?watch=true`: newline-delimited `{"type","object"}` events over a chunked response.
 * - No resourceVersion (or "0"): ADDED for every current object, then live events.
 * - `resourceVersion=N`: replay of the logged events after N, then live; 410 Expired (as an ERROR
 *   event, which clients answer by relisting) when N has left the history.
 * - `sendInitialEvents=true` (watch-list, on by default in client-go 1.35): ADDED for every current
 *   object, then a BOOKMARK annotated `k8s.io/initial-events-end: "true"` with the watched type's
 *   apiVersion/kind; without it reflectors never finish their initial list (trap 2 of the notes).
 * `present` turns each event's object into what the client asked for (a one-row Table for `kubectl get -w`).
 * A selector change is reported as Kubernetes does: an object that stops matching is DELETED,
 * one that starts matching is ADDED.
 */
export function serveWatch(
  rest: KubeRest,
  type: ResourceType,
  namespace: string | undefined,
  query: URLSearchParams,
  response: ServerResponse,
  present: (object: KubeObject) => Record<string, unknown> = (object) => object,
): void {
  const labels = labelMatcher(query.get('labelSelector'));
  const fields = fieldMatcher(query.get('fieldSelector'));
  const scope = type.namespaced ? namespace : undefined;
  const apiVersion = groupVersionOf(type);
  const sendInitial = query.get('sendInitialEvents') === 'true';
  const rvParam = query.get('resourceVersion') ?? '';
  if (sendInitial && query.get('resourceVersionMatch') !== 'NotOlderThan') throw badRequest('sendInitialEvents requires resourceVersionMatch=NotOlderThan');
  if (rvParam !== '' && !/^\d+$/.test(rvParam)) throw badRequest(`invalid resource version: ${rvParam}`);

  const matching = new Set<string>();
  const idOf = (o: KubeObject): string => `${o.metadata.namespace ?? ''}/${o.metadata.name}`;
  const asWatched = (o: KubeObject): Record<string, unknown> => present({ ...o, apiVersion, kind: type.kind });
  const send = (event: WatchEvent): void => {
    response.write(`${JSON.stringify(event)}\n`);
  };
  const inScope = (e: StoreEvent): boolean => e.group === type.group && e.plural === type.plural && (scope === undefined || e.namespace === scope);
  const deliver = (e: StoreEvent): void => {
    if (!inScope(e)) return;
    const id = idOf(e.object);
    const matches = labels(e.object) && fields(e.object);
    if (e.type === 'DELETED') {
      if (matches || matching.delete(id)) send({ type: 'DELETED', object: asWatched(e.object) });
      matching.delete(id);
    } else if (matches) {
      send({ type: matching.has(id) || e.type === 'MODIFIED' ? 'MODIFIED' : 'ADDED', object: asWatched(e.object) });
      matching.add(id);
    } else if (matching.delete(id)) send({ type: 'DELETED', object: asWatched(e.object) });
  };

  response.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked', 'Cache-Control': 'no-cache' });
  // Clients (client-node's Watch) wait for the response headers before they return; send them now.
  response.flushHeaders();
  // Events written between the snapshot and the subscription would be lost; subscribing first and
  // buffering until the initial part is out keeps the stream gap-free and in order.
  const buffered: StoreEvent[] = [];
  let live = false;
  const unsubscribe = rest.store.subscribe((e) => (live ? deliver(e) : buffered.push(e)));
  const startRv = rest.store.resourceVersion;

  if (sendInitial || rvParam === '' || rvParam === '0') {
    for (const object of rest.store.list(type.group, type.plural, scope)) {
      if (!labels(object) || !fields(object)) continue;
      matching.add(idOf(object));
      send({ type: 'ADDED', object: asWatched(object) });
    }
    if (sendInitial)
      send({
        type: 'BOOKMARK',
        object: { apiVersion, kind: type.kind, metadata: { resourceVersion: String(startRv), annotations: { 'k8s.io/initial-events-end': 'true' } } },
      });
  } else {
    const replay = rest.store.eventsSince(Number(rvParam));
    if (!replay) {
      send({ type: 'ERROR', object: expired(`too old resource version: ${rvParam} (${rest.store.oldestReplayable})`).toStatus() });
      unsubscribe();
      response.end();
      return;
    }
    for (const event of replay) if (event.rv <= startRv) deliver(event);
  }
  for (const event of buffered) if (event.rv > startRv) deliver(event);
  live = true;

  const timeoutSeconds = Number(query.get('timeoutSeconds') ?? DEFAULT_TIMEOUT_SECONDS);
  const timer = setTimeout(() => response.end(), Math.max(1, timeoutSeconds) * 1000);
  // Like the API server, a watch that allows bookmarks gets one a minute, so a quiet reflector's
  // resume point keeps up with the log instead of expiring (410) on its next reconnect.
  const bookmarks =
    query.get('allowWatchBookmarks') === 'true'
      ? setInterval(
          () => send({ type: 'BOOKMARK', object: { apiVersion, kind: type.kind, metadata: { resourceVersion: String(rest.store.resourceVersion) } } }),
          BOOKMARK_INTERVAL_MS,
        )
      : undefined;
  const stop = (): void => {
    clearInterval(bookmarks);
    clearTimeout(timer);
    unsubscribe();
  };
  response.on('close', stop);
  response.on('finish', stop);
}
