import type { Access } from './auth.js';
import type { Family } from './families.js';

export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

/**
 * Permissions a route's function needs beyond its domain's table (`infra/domain-api-stack.ts`
 * grants each, scoped as narrowly as the service allows; docs/deploy.md lists the scopes):
 * - `cluster-secrets-write`: create, update and delete the secrets under `<SECRETS_PREFIX>clusters/`
 *   (registered clusters' kubeconfigs).
 * - `repo-secrets-write`: the same under `<SECRETS_PREFIX>repos/` (repositories' credentials).
 * - `logs-read`: query the log groups of this deployment's functions (CloudWatch Logs Insights).
 * - `functions-restart`: list functions and update the configuration of this deployment's functions.
 * - `workflows-status`: list executions of its domain's state machines (health checks).
 */
export const ROUTE_GRANTS = ['cluster-secrets-write', 'repo-secrets-write', 'logs-read', 'functions-restart', 'workflows-status'] as const;
export type RouteGrant = (typeof ROUTE_GRANTS)[number];

/**
 * One row of the route table. Each domain keeps its rows beside its handlers
 * (`functions/<domain>/routes.ts`); `functions/routes.ts` concatenates them.
 */
export type Route = Readonly<{
  method: HttpMethod;
  /** API Gateway resource path: `{name}` segments are path parameters. */
  path: string;
  /** Handler module under `functions/`, without extension; it exports `handler`. */
  entry: string;
  access: Access;
  family: Family;
  summary: string;
  /**
   * Longest time the handler may take, in seconds (Lambda timeout). Long polls set 95; REST API
   * integrations past 29 s need response streaming, which the API stack turns on for these.
   * @default 29
   */
  timeoutSeconds?: number;
  /**
   * Runs the helm binary: the API stack gives its function the kubectl layer (helm at
   * /opt/helm/helm), which is x86-64 only, so the function runs on x86_64 instead of arm64.
   */
  helm?: true;
  /**
   * Answers through Lambda response streaming (API Gateway STREAM mode), which lifts the 29 s
   * integration timeout and the 6 MB response limit. The handler must be built with
   * `httpHandler(…, { streaming: true })`; a test checks that the two agree.
   */
  streaming?: true;
  /** Extra permissions of the route's function (see `ROUTE_GRANTS`). @default none */
  grants?: readonly RouteGrant[];
}>;
