import type { Route } from '#shared/route.js';

/** Helm application API (helm-proxy.md §2–5): chart repositories. Concatenated into the one table in `functions/routes.ts`. */
export const HELM_ROUTES: readonly Route[] = [
  { method: 'GET', path: '/v1/repos', entry: 'helm/list-repos', access: 'viewer', family: 'helm', summary: 'List chart repositories' },
  {
    method: 'POST',
    path: '/v1/repos',
    entry: 'helm/add-repo',
    access: 'operator',
    family: 'helm',
    summary: 'Add an HTTP(S) or oci:// repository; checked at once, stored with status active or error',
  },
  { method: 'GET', path: '/v1/repos/{name}', entry: 'helm/get-repo', access: 'viewer', family: 'helm', summary: 'Get a chart repository' },
  {
    method: 'PUT',
    path: '/v1/repos/{name}',
    entry: 'helm/update-repo',
    access: 'operator',
    family: 'helm',
    summary: 'Change the URL and/or credentials; checked again',
  },
  {
    method: 'DELETE',
    path: '/v1/repos/{name}',
    entry: 'helm/delete-repo',
    access: 'operator',
    family: 'helm',
    summary: 'Delete a repository and its credentials',
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
