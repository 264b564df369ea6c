import type { Route } from '#shared/route.js';

/**
 * App store routes (app-store.md, CONTRACTS.md): the document's three, then the lifecycle routes a
 * one-click store needs, in the same style. Concatenated into the one table in `functions/routes.ts`.
 */
const row = (method: Route['method'], path: string, entry: string, access: Route['access'], summary: string): Route => ({
  method,
  path,
  entry: `appstore/${entry}`,
  access,
  family: 'appstore',
  summary,
  helm: true,
});

export const APPSTORE_ROUTES: readonly Route[] = [
  row('POST', '/AppInstall', 'app-install', 'operator', 'Install a catalog app (app_name, customer_app_name, app_version)'),
  row('GET', '/AppStatus', 'app-status', 'viewer', 'Status code of an app from its live pods (app_id)'),
  row('POST', '/AppStatus', 'app-status', 'viewer', 'Status code of an app from its live pods (app_id in the body)'),
  row('GET', '/AppList', 'app-list', 'viewer', 'Installed apps with running_info while running (optional app_name)'),
  row('POST', '/AppList', 'app-list', 'viewer', 'Installed apps with running_info while running (optional app_name in the body)'),
  row('POST', '/AppStop', 'app-stop', 'operator', 'Stop an app: scale to zero, data kept'),
  row('POST', '/AppStart', 'app-start', 'operator', 'Start a stopped app'),
  row('POST', '/AppUpgrade', 'app-upgrade', 'operator', 'Upgrade an app to another catalog version with the same credentials'),
  row('POST', '/AppUninstall', 'app-uninstall', 'operator', 'Uninstall an app, keeping or deleting its volumes (keep_data)'),
  row('POST', '/AppCancel', 'app-cancel', 'operator', 'Cancel a queued or running install'),
  row('GET', '/AppLogs', 'app-logs', 'operator', "Recent logs of the app's containers"),
  row('POST', '/AppLogs', 'app-logs', 'operator', "Recent logs of the app's containers (parameters in the body)"),
  // Catalog administration (docs/app-store.md, "Catalog"): admins add, update and remove catalog entries.
  {
    method: 'GET',
    path: '/AppCatalogList',
    entry: 'appstore/list-catalog',
    access: 'admin',
    family: 'appstore',
    summary: 'Catalog entries, all or one app (app_name)',
  },
  {
    method: 'POST',
    path: '/AppCatalogSave',
    entry: 'appstore/save-catalog-entry',
    access: 'admin',
    family: 'appstore',
    summary: 'Add or replace one catalog entry',
  },
  {
    method: 'POST',
    path: '/AppCatalogDelete',
    entry: 'appstore/delete-catalog-entry',
    access: 'admin',
    family: 'appstore',
    summary: 'Remove one app version (app_name, app_version) from the catalog',
  },
];
