import * as z from 'zod';
import { kubeConfigFor } from '#functions/helm/clusters.js';
import { getApp } from '#functions/helm/store/apps.js';
import { httpHandler } from '#shared/http.js';
import { StatusInfoSchema } from './view-schemas.js';
import { getCatalogEntry } from './catalog.js';
import { AppNameQuerySchema, storeRequest } from './request.js';
import { liveStatus, namespaceOf, storeError } from './store-service.js';
import { listStoreApps } from './store.js';
import { runningInfo, statusInfo } from './views.js';

const RunningInfoSchema = z.object({
  port: z.number().int(),
  compose_file: z.string(),
  url: z.string(),
  admin_url: z.string(),
  user_name: z.string(),
  password: z.string(),
});

/**
 * AppList: every installed app (or those of `app_name`), each with its live status and, only
 * while running, `running_info` — the password only for operator and admin tokens.
 */
export const handler = httpHandler(
  { query: AppNameQuerySchema, response: z.array(StatusInfoSchema.extend({ running_info: RunningInfoSchema.nullable() })) },
  async ({ event, caller }) => {
    const request = storeRequest(event);
    const appName = request.param('app_name');
    const records = (await listStoreApps()).filter((r) => !appName || r.app_name === appName);
    try {
      const kc = await kubeConfigFor('default');
      const rows = await Promise.all(
        records.map(async (record) => {
          const app = await getApp({ cluster: 'default', namespace: namespaceOf(record.app_id), name: record.app_id });
          if (!app || app.state === 'removed') return undefined;
          const [status, entry] = await Promise.all([liveStatus(app), getCatalogEntry(record.app_name, app.spec.version)]);
          const info = statusInfo(record, app, status, entry, request.language);
          return { ...info, running_info: status.status === 'running' ? await runningInfo(kc, record, app, entry, caller) : null };
        }),
      );
      return { data: rows.filter((row) => row !== undefined) };
    } catch (error) {
      throw storeError(error, request.language);
    }
  },
);
