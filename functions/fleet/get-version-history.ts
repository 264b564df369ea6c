import { httpHandler } from '#shared/http.js';
import { versionHistory } from './fleet-service.js';
import { HistoryQuerySchema, InstancePathSchema } from './schemas.js';

export const handler = httpHandler({ path: InstancePathSchema, query: HistoryQuerySchema }, async ({ path, query }) => ({
  data: await versionHistory(path.instance_id, query.limit, query.offset),
}));
