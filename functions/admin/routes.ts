import type { Route } from '#shared/route.js';

/** Platform administration: settings, users and tokens, system information, logs and restart (helm-proxy.md §6). Concatenated into the one table in `functions/routes.ts`. */
export const ADMIN_ROUTES: readonly Route[] = [
  { method: 'GET', path: '/admin/config', entry: 'admin/get-config', access: 'admin', family: 'helm', summary: 'The Helm API settings, with defaults (no secret)' },
  {
    method: 'PUT',
    path: '/admin/config',
    entry: 'admin/update-config',
    access: 'admin',
    family: 'helm',
    summary: 'Change settings and registered clusters',
    grants: ['cluster-secrets-write'],
  },
  {
    method: 'GET',
    path: '/admin/system/info',
    entry: 'admin/system-info',
    access: 'admin',
    family: 'helm',
    summary: 'Version of the API, Helm and Kubernetes',
    helm: true,
  },
  {
    method: 'GET',
    path: '/admin/system/logs',
    entry: 'admin/system-logs',
    access: 'admin',
    family: 'helm',
    summary: 'Recent structured log records (level, since, until, limit), newest first',
    grants: ['logs-read'],
  },
  {
    method: 'POST',
    path: '/admin/system/restart',
    entry: 'admin/system-restart',
    access: 'admin',
    family: 'helm',
    summary: 'New containers for every function (AWS); fresh caches (local). Operations in flight continue',
    grants: ['functions-restart'],
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
