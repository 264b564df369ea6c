import { httpHandler } from '#shared/http.js';
import { rollbackStatus } from './operation-views.js';
import { RollbackIdPathSchema } from './schemas.js';

export const handler = httpHandler({ path: RollbackIdPathSchema }, async ({ path }) => ({ data: await rollbackStatus(path.rollback_id) }));
