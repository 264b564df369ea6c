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

type Compiled = { route: Route; segments: string[] };

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
  const compiled: Compiled[] = routes.map((route) => ({ route, segments: route.path.split('/').slice(1) }));
  return (method, path) => {
    const segments = splitPath(path);
    if (!Array.isArray(segments)) return { kind: 'bad-path', reason: segments.error };
    let best: { match: Match; score: number } | undefined;
    const allowed = new Set<string>();
    for (const { route, segments: pattern } of compiled) {
      if (pattern.length !== segments.length) continue;
      const params: Record<string, string> = {};
      let score = 0;
      let ok = true;
      for (let i = 0; i < pattern.length && ok; i += 1) {
        const p = pattern[i] ?? '';
        const s = segments[i] ?? '';
        const param = /^\{(\w+)\}$/.exec(p);
        if (param?.[1]) {
          if (s === '') ok = false;
          else params[param[1]] = s;
        } else if (p === s) {
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
