import type { Route, RouteGrant } from '#shared/route.js';

/** Longest integration API Gateway allows a buffered (non-streaming) REST integration. */
export const BUFFERED_LIMIT_SECONDS = 29;
/** Longest a streamed REST API response may last (and Lambda's own ceiling). */
export const STREAMING_LIMIT_SECONDS = 900;

/** The routes one handler module serves; they share one Lambda function. */
export type HandlerGroup = Readonly<{
  entry: string;
  routes: readonly Route[];
  timeoutSeconds: number;
  helm: boolean;
  /** The handler streams (`Route.streaming`): the integration uses `responseTransferMode: STREAM`. */
  streaming: boolean;
  /** Some route needs a token, so the shared auth middleware reads the platform table. */
  authenticated: boolean;
  /** Some route writes (not GET) with a token: it may start, stop or answer its domain's workflows. */
  writes: boolean;
  /** Every route is a GET: the function gets read-only access to its table. */
  readOnly: boolean;
  /** The extra permissions any of its routes asks for (`Route.grants`). */
  grants: readonly RouteGrant[];
}>;

/** `GET /admin/users`: how routes are named in errors and in throttle overrides. */
export const routeKey = (route: Pick<Route, 'method' | 'path'>) => `${route.method} ${route.path}`;

/**
 * Groups routes by handler module and checks the table: no method and path twice, timeouts in
 * range (past 29 s only when streaming), and rows sharing a handler agreeing on its timeout, helm
 * and streaming flags (one function serves them).
 */
export function handlerGroups(routes: readonly Route[]): HandlerGroup[] {
  const seen = new Set<string>();
  const byEntry = new Map<string, Route[]>();
  for (const route of routes) {
    const key = routeKey(route);
    if (seen.has(key)) throw new Error(`route ${key} appears twice in the route table`);
    seen.add(key);
    if (!route.path.startsWith('/')) throw new Error(`route ${key}: path must start with '/'`);
    const timeout = route.timeoutSeconds ?? BUFFERED_LIMIT_SECONDS;
    if (!Number.isInteger(timeout) || timeout < 1 || timeout > STREAMING_LIMIT_SECONDS) {
      throw new Error(`route ${key}: timeoutSeconds must be an integer from 1 to ${STREAMING_LIMIT_SECONDS}, got ${route.timeoutSeconds}`);
    }
    if (timeout > BUFFERED_LIMIT_SECONDS && !route.streaming) {
      throw new Error(
        `route ${key}: timeoutSeconds ${timeout} needs streaming: true, since API Gateway ends buffered integrations at ${BUFFERED_LIMIT_SECONDS} s`,
      );
    }
    byEntry.set(route.entry, [...(byEntry.get(route.entry) ?? []), route]);
  }
  return [...byEntry.entries()].map(([entry, rows]) => {
    const first = rows[0] as Route;
    for (const row of rows) {
      const differs =
        (row.timeoutSeconds ?? BUFFERED_LIMIT_SECONDS) !== (first.timeoutSeconds ?? BUFFERED_LIMIT_SECONDS) ||
        Boolean(row.helm) !== Boolean(first.helm) ||
        Boolean(row.streaming) !== Boolean(first.streaming);
      if (differs) {
        const show = (r: Route) => `timeoutSeconds ${r.timeoutSeconds}, helm ${r.helm}, streaming ${r.streaming}`;
        throw new Error(
          `routes ${routeKey(first)} (${show(first)}) and ${routeKey(row)} (${show(row)}) share handler ${entry}; one function serves both, so they must agree`,
        );
      }
    }
    const timeoutSeconds = first.timeoutSeconds ?? BUFFERED_LIMIT_SECONDS;
    return {
      entry,
      routes: rows,
      timeoutSeconds,
      helm: Boolean(first.helm),
      streaming: Boolean(first.streaming),
      authenticated: rows.some((r) => r.access !== 'public'),
      writes: rows.some((r) => r.access !== 'public' && r.method !== 'GET'),
      readOnly: rows.every((r) => r.method === 'GET'),
      grants: [...new Set(rows.flatMap((r) => r.grants ?? []))],
    };
  });
}
