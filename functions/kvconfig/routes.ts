import type { Route } from '#shared/route.js';

/** Configuration center routes (kvconfig.md). Concatenated into the one table in `functions/routes.ts`. */
export const KVCONFIG_ROUTES: readonly Route[] = [
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
];
