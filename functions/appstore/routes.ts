import type { Route } from '#shared/route.js';

/**
 * App store routes (app-store.md, CONTRACTS.md "App store"): the app-store envelope, every route
 * needs the `Version` and `Language` headers. Concatenated into the one table in `functions/routes.ts`.
 */
export const APPSTORE_ROUTES: readonly Route[] = [
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
