import type { Route } from '#shared/route.js';

/** Platform administration: users and tokens, system information (helm-proxy.md §6.3). Concatenated into the one table in `functions/routes.ts`. */
export const ADMIN_ROUTES: readonly Route[] = [
  {
    method: 'GET',
    path: '/admin/system/info',
    entry: 'admin/system-info',
    access: 'admin',
    family: 'helm',
    summary: 'Version of the API, Helm and Kubernetes',
    helm: true,
  },
  { method: 'GET', path: '/admin/users', entry: 'admin/list-users', access: 'admin', family: 'helm', summary: 'List users' },
  { method: 'POST', path: '/admin/users', entry: 'admin/create-user', access: 'admin', family: 'helm', summary: 'Create a user; returns its token once' },
  { method: 'GET', path: '/admin/users/{id}', entry: 'admin/get-user', access: 'admin', family: 'helm', summary: 'Get a user' },
  {
    method: 'PUT',
    path: '/admin/users/{id}',
    entry: 'admin/update-user',
    access: 'admin',
    family: 'helm',
    summary: 'Rename, change role, or rotate the token (returned once)',
  },
  { method: 'DELETE', path: '/admin/users/{id}', entry: 'admin/delete-user', access: 'admin', family: 'helm', summary: 'Delete a user (never the last admin)' },
];
