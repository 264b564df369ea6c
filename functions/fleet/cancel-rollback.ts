import { httpHandler } from '#shared/http.js';
import { cancelOperation } from './operation-views.js';
import { RollbackCancelledSchema, RollbackIdPathSchema } from './schemas.js';

export const handler = httpHandler({ path: RollbackIdPathSchema, response: RollbackCancelledSchema }, async ({ path }) => {
  const { op, cancelledAt } = await cancelOperation('rollback', path.rollback_id);
  return { message: 'rollback cancelled successfully', data: { rollback_id: op.id, status: 'cancelled', cancelled_at: cancelledAt } };
});
