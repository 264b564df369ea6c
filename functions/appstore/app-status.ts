import { httpHandler } from '#shared/http.js';
import { getCatalogEntry } from './catalog.js';
import { AppIdQuerySchema, appIdOf, storeRequest } from './request.js';
import { liveStatus, requireStoreApp, storeError } from './store-service.js';
import { statusInfo } from './views.js';
import { StatusInfoSchema } from './view-schemas.js';

/** AppStatus: the app's status code from its pods at this moment, with the reason behind it. */
export const handler = httpHandler({ query: AppIdQuerySchema, response: StatusInfoSchema }, async ({ event }) => {
  const request = storeRequest(event);
  const appId = appIdOf(request);
  const { record, app } = await requireStoreApp(appId, request.language);
  const status = await liveStatus(app).catch((error: unknown) => {
    throw storeError(error, request.language);
  });
  return { data: statusInfo(record, app, status, await getCatalogEntry(record.app_name, app.spec.version), request.language) };
});
