import { httpHandler } from '#shared/http.js';
import { listCatalog } from './catalog.js';
import { CatalogListQuerySchema, CatalogListSchema } from './catalog-schemas.js';
import { requireAppStoreHeaders } from './headers.js';

/** Every catalog entry, or with `app_name` that app's versions, in app name and version order. */
export const handler = httpHandler({ query: CatalogListQuerySchema, response: CatalogListSchema }, async ({ query, event }) => {
  requireAppStoreHeaders(event);
  return { data: await listCatalog(query.app_name) };
});
