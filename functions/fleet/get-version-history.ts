import { httpHandler } from '#shared/http.js';
import { versionHistory } from './fleet-service.js';
import { HistoryQuerySchema, InstancePathSchema, VersionHistorySchema } from './schemas.js';

export const handler = httpHandler({ path: InstancePathSchema, query: HistoryQuerySchema, response: VersionHistorySchema }, async ({ path, query }) => ({
  data: await versionHistory(path.instance_id, query.limit, query.offset),
}));
