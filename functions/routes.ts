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
}>;

export const ROUTES: readonly Route[] = [
  // Platform (helm-proxy.md §1 and §6.3)
  { method: 'GET', path: '/health', entry: 'health/health', access: 'public', family: 'helm', summary: 'Liveness: the API answers' },
  { method: 'GET', path: '/ready', entry: 'health/ready', access: 'public', family: 'helm', summary: 'Readiness: DynamoDB answers' },
  { method: 'GET', path: '/openapi.json', entry: 'health/openapi', access: 'viewer', family: 'helm', summary: 'This API as an OpenAPI 3.1 document' },
  { method: 'GET', path: '/admin/system/info', entry: 'admin/system-info', access: 'admin', family: 'helm', summary: 'Version of the API, Helm and Kubernetes', helm: true },
  { method: 'GET', path: '/admin/users', entry: 'admin/list-users', access: 'admin', family: 'helm', summary: 'List users' },
  { method: 'POST', path: '/admin/users', entry: 'admin/create-user', access: 'admin', family: 'helm', summary: 'Create a user; returns its token once' },
  { method: 'GET', path: '/admin/users/{id}', entry: 'admin/get-user', access: 'admin', family: 'helm', summary: 'Get a user' },
  { method: 'PUT', path: '/admin/users/{id}', entry: 'admin/update-user', access: 'admin', family: 'helm', summary: 'Rename, change role, or rotate the token (returned once)' },
  { method: 'DELETE', path: '/admin/users/{id}', entry: 'admin/delete-user', access: 'admin', family: 'helm', summary: 'Delete a user (never the last admin)' },
  // Configuration center (kvconfig.md)
  { method: 'POST', path: '/api/v1/envs/{env}/apps', entry: 'kvconfig/create-app', access: 'operator', family: 'kvconfig', summary: 'Create an app' },
  { method: 'GET', path: '/api/v1/envs/{env}/apps', entry: 'kvconfig/list-apps', access: 'viewer', family: 'kvconfig', summary: 'List apps (page, size)' },
  { method: 'GET', path: '/api/v1/envs/{env}/apps/{app_name}', entry: 'kvconfig/get-app', access: 'viewer', family: 'kvconfig', summary: 'Get an app' },
  { method: 'PUT', path: '/api/v1/envs/{env}/apps/{app_name}', entry: 'kvconfig/update-app', access: 'operator', family: 'kvconfig', summary: 'Update the description of an app' },
  { method: 'DELETE', path: '/api/v1/envs/{env}/apps/{app_name}', entry: 'kvconfig/delete-app', access: 'operator', family: 'kvconfig', summary: 'Delete an app (409 while it has clusters unless ?force=true)' },
  { method: 'POST', path: '/api/v1/envs/{env}/apps/{app_name}/clusters', entry: 'kvconfig/create-cluster', access: 'operator', family: 'kvconfig', summary: 'Create a cluster' },
  { method: 'GET', path: '/api/v1/envs/{env}/apps/{app_name}/clusters', entry: 'kvconfig/list-clusters', access: 'viewer', family: 'kvconfig', summary: 'List clusters (page, size)' },
  { method: 'GET', path: '/api/v1/envs/{env}/apps/{app_name}/clusters/{cluster_name}', entry: 'kvconfig/get-cluster', access: 'viewer', family: 'kvconfig', summary: 'Get a cluster' },
  { method: 'DELETE', path: '/api/v1/envs/{env}/apps/{app_name}/clusters/{cluster_name}', entry: 'kvconfig/delete-cluster', access: 'operator', family: 'kvconfig', summary: 'Delete a cluster (409 while it has namespaces unless ?force=true)' },
  { method: 'POST', path: '/api/v1/envs/{env}/apps/{app_name}/clusters/{cluster_name}/namespaces', entry: 'kvconfig/create-namespace', access: 'operator', family: 'kvconfig', summary: 'Create a namespace' },
  { method: 'GET', path: '/api/v1/envs/{env}/apps/{app_name}/clusters/{cluster_name}/namespaces', entry: 'kvconfig/list-namespaces', access: 'viewer', family: 'kvconfig', summary: 'List namespaces (page, size)' },
  { method: 'GET', path: '/api/v1/envs/{env}/apps/{app_name}/clusters/{cluster_name}/namespaces/{namespace_name}', entry: 'kvconfig/get-namespace', access: 'viewer', family: 'kvconfig', summary: 'Get a namespace' },
  { method: 'DELETE', path: '/api/v1/envs/{env}/apps/{app_name}/clusters/{cluster_name}/namespaces/{namespace_name}', entry: 'kvconfig/delete-namespace', access: 'operator', family: 'kvconfig', summary: 'Delete a namespace (409 while it has items or releases unless ?force=true)' },
  { method: 'POST', path: '/api/v1/envs/{env}/apps/{app_name}/clusters/{cluster_name}/namespaces/{namespace_name}/items', entry: 'kvconfig/set-item', access: 'operator', family: 'kvconfig', summary: 'Set (create or replace) an item' },
  { method: 'GET', path: '/api/v1/envs/{env}/apps/{app_name}/clusters/{cluster_name}/namespaces/{namespace_name}/items', entry: 'kvconfig/list-items', access: 'viewer', family: 'kvconfig', summary: 'List items (page, size, search)' },
  { method: 'GET', path: '/api/v1/envs/{env}/apps/{app_name}/clusters/{cluster_name}/namespaces/{namespace_name}/items/{key}', entry: 'kvconfig/get-item', access: 'viewer', family: 'kvconfig', summary: 'Get an item' },
  { method: 'DELETE', path: '/api/v1/envs/{env}/apps/{app_name}/clusters/{cluster_name}/namespaces/{namespace_name}/items/{key}', entry: 'kvconfig/delete-item', access: 'operator', family: 'kvconfig', summary: 'Delete an item' },
  { method: 'GET', path: '/api/v1/envs/{env}/apps/{app_name}/clusters/{cluster_name}/namespaces/{namespace_name}/history', entry: 'kvconfig/list-history', access: 'viewer', family: 'kvconfig', summary: 'Audit history of items and releases' },
  { method: 'POST', path: '/api/v1/envs/{env}/apps/{app_name}/clusters/{cluster_name}/namespaces/{namespace_name}/releases', entry: 'kvconfig/publish-release', access: 'operator', family: 'kvconfig', summary: 'Publish the items as an immutable release' },
  { method: 'GET', path: '/api/v1/envs/{env}/apps/{app_name}/clusters/{cluster_name}/namespaces/{namespace_name}/releases', entry: 'kvconfig/list-releases', access: 'viewer', family: 'kvconfig', summary: 'List releases (page, size, sort)' },
  { method: 'GET', path: '/api/v1/envs/{env}/apps/{app_name}/clusters/{cluster_name}/namespaces/{namespace_name}/releases/{release_id}', entry: 'kvconfig/get-release', access: 'viewer', family: 'kvconfig', summary: 'Latest release with items and changes since release_id', streaming: true },
  { method: 'POST', path: '/api/v1/envs/{env}/apps/{app_name}/clusters/{cluster_name}/namespaces/{namespace_name}/releases/{release_id}/rollback', entry: 'kvconfig/rollback-release', access: 'operator', family: 'kvconfig', summary: 'Publish a new release equal to the items of release_id' },
  { method: 'GET', path: '/api/v1/envs/{env}/apps/{app_name}/clusters/{cluster_name}/namespaces/{namespace_name}/configs', entry: 'kvconfig/get-configs', access: 'config-client', family: 'kvconfig', summary: 'Client fetch: a page of the latest release, with changes and ETag', streaming: true },
  { method: 'GET', path: '/api/v1/envs/{env}/apps/{app_name}/clusters/{cluster_name}/namespaces/{namespace_name}/notifications', entry: 'kvconfig/wait-notifications', access: 'config-client', family: 'kvconfig', summary: 'Client long poll for a new releaseKey (timeout ≤ 90 s)', streaming: true, timeoutSeconds: 95 },
  // Release system (release-system.md) and its deploy agent's routes
  { method: 'GET', path: '/v1/health', entry: 'releases/health', access: 'public', family: 'release', summary: 'Release system health' },
  { method: 'POST', path: '/v1/deploy/execute', entry: 'releases/execute-deploy', access: 'operator', family: 'release', summary: 'Deploy a version to instances' },
  { method: 'GET', path: '/v1/deploy/status/{deploy_id}', entry: 'releases/get-deploy-status', access: 'viewer', family: 'release', summary: 'Deployment status with per-instance progress' },
  { method: 'POST', path: '/v1/deploy/cancel/{deploy_id}', entry: 'releases/cancel-deploy', access: 'operator', family: 'release', summary: 'Cancel a deployment' },
  { method: 'GET', path: '/v1/service/{service_name}/instances/versions', entry: 'releases/list-instance-versions', access: 'viewer', family: 'release', summary: 'Running version of every instance of a service' },
  { method: 'GET', path: '/v1/service/{service_name}/instances', entry: 'releases/list-instances', access: 'viewer', family: 'release', summary: 'Instances of a service (status, version, limit, offset)' },
  { method: 'GET', path: '/v1/instance/{instance_id}/version-history', entry: 'releases/get-version-history', access: 'viewer', family: 'release', summary: 'Deploys and rollbacks of an instance' },
  { method: 'POST', path: '/v1/rollback/instance', entry: 'releases/rollback-instance', access: 'operator', family: 'release', summary: 'Roll one instance back' },
  { method: 'POST', path: '/v1/rollback/batch', entry: 'releases/rollback-batch', access: 'operator', family: 'release', summary: 'Roll several instances back' },
  { method: 'GET', path: '/v1/rollback/status/{rollback_id}', entry: 'releases/get-rollback-status', access: 'viewer', family: 'release', summary: 'Rollback status with per-instance progress' },
  { method: 'POST', path: '/v1/rollback/cancel/{rollback_id}', entry: 'releases/cancel-rollback', access: 'operator', family: 'release', summary: 'Cancel a rollback' },
  { method: 'GET', path: '/v1/stats', entry: 'releases/get-stats', access: 'viewer', family: 'release', summary: 'Deployment, rollback and instance statistics (1h, 24h, 7d, 30d)' },
  { method: 'POST', path: '/v1/agent/register', entry: 'releases/agent-register', access: 'operator', family: 'release', summary: 'Deploy agent: register an instance' },
  { method: 'POST', path: '/v1/agent/heartbeat', entry: 'releases/agent-heartbeat', access: 'operator', family: 'release', summary: 'Deploy agent: heartbeat' },
  { method: 'GET', path: '/v1/agent/commands', entry: 'releases/agent-poll-commands', access: 'operator', family: 'release', summary: 'Deploy agent: poll for commands' },
  { method: 'POST', path: '/v1/agent/commands/{command_id}/ack', entry: 'releases/agent-ack-command', access: 'operator', family: 'release', summary: 'Deploy agent: acknowledge a command' },
  { method: 'POST', path: '/v1/agent/commands/{command_id}/progress', entry: 'releases/agent-report-progress', access: 'operator', family: 'release', summary: 'Deploy agent: progress (a workflow heartbeat)' },
  { method: 'POST', path: '/v1/agent/commands/{command_id}/result', entry: 'releases/agent-report-result', access: 'operator', family: 'release', summary: 'Deploy agent: the result of a command' },
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
