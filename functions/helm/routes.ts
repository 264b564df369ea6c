import type { Route } from '#shared/route.js';

/**
 * Helm application API routes (helm-proxy.md §2–4): Rancher-compatible /v3 apps in both URL forms
 * (the document's and the actionLinks'), the simple /v1 apps, each app's revisions, and chart repositories.
 * Concatenated into the one table in `functions/routes.ts`.
 */
const v3 = (method: Route['method'], path: string, entry: string, access: Route['access'], summary: string): Route => ({
  method,
  path,
  entry: `helm/${entry}`,
  access,
  family: 'helm',
  summary,
  helm: true,
});

export const HELM_ROUTES: readonly Route[] = [
  v3('POST', '/v3/projects/{projectId}/app', 'v3-install-app', 'operator', 'Install a Helm app (Rancher app create)'),
  v3('GET', '/v3/projects/{projectId}/app', 'v3-list-apps', 'viewer', 'List the apps of a project (paginated)'),
  v3('GET', '/v3/projects/{projectId}/app/{name}', 'v3-get-app', 'viewer', 'An app with its live state'),
  v3('POST', '/v3/projects/{projectId}/app/{name}', 'v3-app-action', 'operator', 'Upgrade (?action=upgrade) or roll back (?action=rollback) an app'),
  v3('DELETE', '/v3/projects/{projectId}/app/{name}', 'v3-delete-app', 'operator', 'Uninstall an app'),
  v3('GET', '/v3/projects/{projectId}/app/{name}/revisions', 'v3-app-revisions', 'viewer', 'The revisions of an app'),
  v3('GET', '/v3/project/{projectId}/apps/{appId}', 'v3-get-app', 'viewer', 'An app (actionLinks form)'),
  v3('POST', '/v3/project/{projectId}/apps/{appId}', 'v3-app-action', 'operator', 'Upgrade or roll back an app (actionLinks form)'),
  v3('DELETE', '/v3/project/{projectId}/apps/{appId}', 'v3-delete-app', 'operator', 'Uninstall an app (actionLinks form)'),
  v3('GET', '/v3/project/{projectId}/apps/{appId}/revisions', 'v3-app-revisions', 'viewer', 'The revisions of an app (actionLinks form)'),
  v3('POST', '/v1/apps', 'v1-install-app', 'operator', 'Install an app (v1)'),
  v3('GET', '/v1/apps', 'v1-list-apps', 'viewer', 'List apps (v1), by namespace'),
  v3('GET', '/v1/apps/{name}', 'v1-get-app', 'viewer', 'An app with its live state (v1)'),
  v3('PUT', '/v1/apps/{name}', 'v1-update-app', 'operator', 'Upgrade an app to a new version and/or values (v1)'),
  v3('DELETE', '/v1/apps/{name}', 'v1-delete-app', 'operator', 'Uninstall an app (v1)'),
  v3('POST', '/v1/apps/{name}/actions/{action}', 'v1-app-action', 'operator', 'upgrade, rollback, restart, pause or resume an app (v1)'),
  v3('GET', '/v1/apps/{name}/revisions', 'v1-app-revisions', 'viewer', 'The revisions of an app (v1)'),
  // Chart repositories (§4).
  { method: 'GET', path: '/v1/repos', entry: 'helm/list-repos', access: 'viewer', family: 'helm', summary: 'List chart repositories' },
  {
    method: 'POST',
    path: '/v1/repos',
    entry: 'helm/add-repo',
    access: 'operator',
    family: 'helm',
    summary: 'Add an HTTP(S) or oci:// repository; checked at once, stored with status active or error',
    grants: ['repo-secrets-write'],
  },
  { method: 'GET', path: '/v1/repos/{name}', entry: 'helm/get-repo', access: 'viewer', family: 'helm', summary: 'Get a chart repository' },
  {
    method: 'PUT',
    path: '/v1/repos/{name}',
    entry: 'helm/update-repo',
    access: 'operator',
    family: 'helm',
    summary: 'Change the URL and/or credentials; checked again',
    grants: ['repo-secrets-write'],
  },
  {
    method: 'DELETE',
    path: '/v1/repos/{name}',
    entry: 'helm/delete-repo',
    access: 'operator',
    family: 'helm',
    summary: 'Delete a repository and its credentials',
    grants: ['repo-secrets-write'],
  },
  {
    method: 'POST',
    path: '/v1/repos/{name}/refresh',
    entry: 'helm/refresh-repo',
    access: 'operator',
    family: 'helm',
    summary: 'Fetch and validate the index again; status active or error with the reason',
  },
];
