import * as z from 'zod';
import { httpHandler } from '#shared/http.js';
import { AppStoreError } from './messages.js';
import { AppIdQuerySchema, appIdOf, storeRequest } from './request.js';
import type { Change } from './store-service.js';
import { changeStoreApp } from './store-service.js';

/**
 * The lifecycle routes beyond the document (AppStop, AppStart, AppUpgrade, AppUninstall,
 * AppCancel): each starts a Helm operation and answers `{"app_id"}` at once; AppStatus follows it.
 */
export function lifecycleHandler(change: Change) {
  return httpHandler({ query: AppIdQuerySchema, response: z.object({ app_id: z.string(), operation: z.string() }) }, async ({ event, caller }) => {
    const request = storeRequest(event);
    const appId = appIdOf(request);
    const keep = request.param('keep_data');
    if (change === 'uninstall' && keep !== 'true' && keep !== 'false') throw new AppStoreError('Param.KeepData.Blank', request.language);
    const version = request.param('app_version');
    if (change === 'upgrade' && !version) throw new AppStoreError('Param.App_version.NotExis', request.language, 'app_version is required');
    await changeStoreApp(appId, change, {
      language: request.language,
      who: caller?.userId ?? 'unknown',
      ...(version ? { version } : {}),
      ...(keep ? { keepData: keep === 'true' } : {}),
    });
    return { data: { app_id: appId, operation: change } };
  });
}
