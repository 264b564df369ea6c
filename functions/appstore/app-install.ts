import * as z from 'zod';
import { httpHandler } from '#shared/http.js';
import { AppStoreError } from './messages.js';
import { storeRequest } from './request.js';
import { installStoreApp } from './store-service.js';

/**
 * AppInstall: installs a catalog app under the caller's name. Every check (names, catalog,
 * Repeat/Wait, the cluster's free capacity) comes before anything is created; the install itself
 * runs in the helm-operation workflow — follow it with AppStatus.
 */
export const handler = httpHandler({ response: z.object({ app_id: z.string() }) }, async ({ event, caller }) => {
  const request = storeRequest(event);
  const { language } = request;
  const appName = request.param('app_name');
  const appId = request.param('customer_app_name');
  const version = request.param('app_version');
  if (!appName) throw new AppStoreError('Param.App_name.Blank', language);
  if (!appId) throw new AppStoreError('Param.CustomerAppName.Blank', language);
  if (!/^[a-z0-9]{1,40}$/.test(appId)) throw new AppStoreError('Param.CustomerAppName.FormatError', language, appId.slice(0, 64));
  if (!version) throw new AppStoreError('Param.CustomerAppName.NotExis', language, `${appName}: app_version is required`);
  const record = await installStoreApp({ appName, appId, version, who: caller?.userId ?? 'unknown', language });
  return { data: { app_id: record.app_id } };
});
