import { httpHandler } from '#shared/http.js';
import { rollbackStatus } from './operation-views.js';
import { RollbackIdPathSchema, RollbackStatusSchema } from './schemas.js';

export const handler = httpHandler({ path: RollbackIdPathSchema, response: RollbackStatusSchema }, async ({ path }) => ({
  data: await rollbackStatus(path.rollback_id),
}));
