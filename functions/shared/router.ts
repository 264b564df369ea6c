import type { Route } from '#shared/route.js';
import { ROUTES } from '#functions/routes.js';
import { MethodNotAllowedError, NotFoundError, ValidationError } from './errors.js';
import type { ProxyResult } from './families.js';
import { familyOfPath, renderError } from './families.js';
import { pathValueProblem } from './validation.js';

/** A route table compiled for matching request paths the way API Gateway does. */
export type Match = { route: Route; pathParameters: Record<string, string> };

export type Resolution =
  { kind: 'match'; match: Match } | { kind: 'method-not-allowed'; allowed: string[] } | { kind: 'not-found' } | { kind: 'bad-path'; reason: string };

/** A route's path, split once: each segment a literal to equal or a parameter to capture. */
type Segment = { literal: string; param?: undefined } | { param: string; literal?: undefined };
type Compiled = { route: Route; segments: readonly Segment[] };

/**
 * Splits and decodes a request path. Encoded slashes stay inside their segment (as in API Gateway);
 * traversal segments (`..`, `..%2F..`), control characters and undecodable escapes are refused, so
 * no handler sees a traversal attempt.
 */
export function splitPath(path: string): string[] | { error: string } {
  const raw = path.split('/').slice(1);
  if (raw.length > 1 && raw.at(-1) === '') raw.pop();
  const segments: string[] = [];
  for (const part of raw) {
    let decoded: string;
    try {
      decoded = decodeURIComponent(part);
    } catch {
      return { error: `path segment "${part}" is not valid percent-encoding` };
    }
    const problem = pathValueProblem(decoded);
    if (problem) return { error: problem };
    segments.push(decoded);
  }
  return segments;
}

export function compileRoutes(routes: readonly Route[]): (method: string, path: string) => Resolution {
  // Grouped by segment count, the only routes a path can match; parameters found once, not per request.
  const byLength = new Map<number, Compiled[]>();
  for (const route of routes) {
    const segments = route.path
      .split('/')
      .slice(1)
      .map((p): Segment => {
        const param = /^\{(\w+)\}$/.exec(p)?.[1];
        return param ? { param } : { literal: p };
      });
    const group = byLength.get(segments.length) ?? [];
    group.push({ route, segments });
    byLength.set(segments.length, group);
  }
  return (method, path) => {
    const segments = splitPath(path);
    if (!Array.isArray(segments)) return { kind: 'bad-path', reason: segments.error };
    let best: { match: Match; score: number } | undefined;
    const allowed = new Set<string>();
    for (const { route, segments: pattern } of byLength.get(segments.length) ?? []) {
      const params: Record<string, string> = {};
      let score = 0;
      let ok = true;
      for (let i = 0; i < pattern.length && ok; i += 1) {
        const p = pattern[i]!;
        const s = segments[i] ?? '';
        if (p.param !== undefined) {
          if (s === '') ok = false;
          else params[p.param] = s;
        } else if (p.literal === s) {
          // Static segments outrank parameters, as API Gateway prefers the most specific resource.
          score += 1 << (pattern.length - i);
        } else ok = false;
      }
      if (!ok) continue;
      allowed.add(route.method);
      if (route.method !== method) continue;
      if (!best || score > best.score) best = { match: { route, pathParameters: params }, score };
    }
    if (best) return { kind: 'match', match: best.match };
    if (allowed.size > 0) return { kind: 'method-not-allowed', allowed: [...allowed].sort() };
    return { kind: 'not-found' };
  };
}

const matchRoutes = compileRoutes(ROUTES);

/**
 * The answer for a request no route serves: 400 for a malformed or traversing path, 405 (with
 * `Allow`) when the path exists under other methods, 404 otherwise — in the family's envelope.
 * Used by the local gateway and, in AWS, by the fallback function behind every API resource.
 */
export function unmatchedResponse(method: string, path: string): ProxyResult | undefined {
  const family = familyOfPath(path);
  const resolution = matchRoutes(method, path);
  if (resolution.kind === 'bad-path') return renderError(family, new ValidationError(resolution.reason, { field: 'path' }));
  if (resolution.kind === 'not-found') return renderError(family, new NotFoundError(`no route for ${method} ${path}`));
  if (resolution.kind === 'method-not-allowed') return renderError(family, new MethodNotAllowedError(method, path, resolution.allowed));
  return undefined;
}
