import { httpHandler } from '#shared/http.js';
import { putCatalogEntry } from './catalog.js';
import { CatalogEntrySchema, CatalogRecordSchema } from './catalog-schemas.js';
import { requireAppStoreHeaders } from './headers.js';

/** Adds or replaces one catalog entry (an app in one version); answers the entry as stored. */
export const handler = httpHandler({ body: CatalogEntrySchema, response: CatalogRecordSchema }, async ({ body, event }) => {
  requireAppStoreHeaders(event);
  return { data: await putCatalogEntry(body) };
});
