import { httpHandler } from '#shared/http.js';
import { deleteCatalogEntry } from './catalog.js';
import { CatalogDeleteBodySchema, CatalogRecordSchema } from './catalog-schemas.js';
import { requireAppStoreHeaders } from './headers.js';

/** Removes one app version from the catalog (installed apps keep running); answers what was removed. */
export const handler = httpHandler({ body: CatalogDeleteBodySchema, response: CatalogRecordSchema }, async ({ body, event }) => {
  requireAppStoreHeaders(event);
  return { data: await deleteCatalogEntry(body.app_name, body.app_version) };
});
