import * as z from 'zod';
import { httpHandler } from '#shared/http.js';
import { getCatalogEntry } from './catalog.js';
import { AppIdQuerySchema, appIdOf, storeRequest } from './request.js';
import { liveStatus, requireStoreApp, storeError } from './store-service.js';
import { statusInfo } from './views.js';

export const StatusInfoSchema = z.object({
  app_id: z.string(),
  name: z.string(),
  customer_name: z.string(),
  trade_mark: z.string(),
  status_code: z.enum(['00', '10', '11', '12', '30', '40', '50']),
  status: z.enum(['queuing', 'pulling', 'creating', 'initing', 'running', 'stop', 'error']),
  official_app: z.boolean(),
  image_url: z.string(),
  status_reason: z.string(),
  app_name: z.string(),
  app_version: z.string(),
});

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
