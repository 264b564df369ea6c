import type { Family } from '#shared/families.js';

/**
 * The one route table. The CDK API stack (`infra/api-stack.ts`) creates a resource, method and
 * function per row, and the local gateway (`local/gateway.ts`) dispatches with the same rows, so a
 * route cannot exist in one and not the other. `test/platform/routes.test.ts` fails when a handler
 * file has no row or a row has no handler file.
 */
export const ROLES = ['admin', 'operator', 'viewer', 'config-client'] as const;
export type Role = (typeof ROLES)[number];

/**
 * Who may call a route. `public` needs no token; otherwise the caller's role must be at least the
 * one named (CONTRACTS.md: admin ⊃ operator ⊃ viewer ⊃ config-client for the routes each may use).
 */
export type Access = 'public' | Role;

export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

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
}>;

export const ROUTES: readonly Route[] = [
  // Platform (helm-proxy.md §1 and §6.3)
  { method: 'GET', path: '/health', entry: 'health/health', access: 'public', family: 'helm', summary: 'Liveness: the API answers' },
  { method: 'GET', path: '/ready', entry: 'health/ready', access: 'public', family: 'helm', summary: 'Readiness: DynamoDB answers' },
  { method: 'GET', path: '/openapi.json', entry: 'health/openapi', access: 'viewer', family: 'helm', summary: 'This API as an OpenAPI 3.1 document' },
  { method: 'GET', path: '/admin/system/info', entry: 'admin/system-info', access: 'admin', family: 'helm', summary: 'Version of the API, Helm and Kubernetes' },
  { method: 'GET', path: '/admin/users', entry: 'admin/list-users', access: 'admin', family: 'helm', summary: 'List users' },
  { method: 'POST', path: '/admin/users', entry: 'admin/create-user', access: 'admin', family: 'helm', summary: 'Create a user; returns its token once' },
  { method: 'GET', path: '/admin/users/{id}', entry: 'admin/get-user', access: 'admin', family: 'helm', summary: 'Get a user' },
  { method: 'PUT', path: '/admin/users/{id}', entry: 'admin/update-user', access: 'admin', family: 'helm', summary: 'Rename, change role, or rotate the token (returned once)' },
  { method: 'DELETE', path: '/admin/users/{id}', entry: 'admin/delete-user', access: 'admin', family: 'helm', summary: 'Delete a user (never the last admin)' },
  // Release system (release-system.md §4.1)
  { method: 'GET', path: '/v1/health', entry: 'releases/health', access: 'public', family: 'release', summary: 'Release system health' },
];

const ROLE_RANK: Record<Role, number> = { 'config-client': 0, viewer: 1, operator: 2, admin: 3 };

/** Whether a caller with `role` may use a route that requires `access`. */
export function allows(access: Access, role: Role | undefined): boolean {
  if (access === 'public') return true;
  if (role === undefined) return false;
  return ROLE_RANK[role] >= ROLE_RANK[access];
}

/** The row for an API Gateway `resource` and method (what a Lambda receives in its event). */
export function routeFor(method: string, resource: string): Route | undefined {
  return ROUTES.find((r) => r.method === method && r.path === resource);
}
