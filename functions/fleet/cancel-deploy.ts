import { httpHandler } from '#shared/http.js';
import { cancelOperation } from './operation-views.js';
import { DeployCancelledSchema, DeployIdPathSchema } from './schemas.js';

export const handler = httpHandler({ path: DeployIdPathSchema, response: DeployCancelledSchema }, async ({ path }) => {
  const { op, cancelledAt } = await cancelOperation('deploy', path.deploy_id);
  return { message: 'deployment cancelled successfully', data: { deploy_id: op.id, status: 'cancelled', cancelled_at: cancelledAt } };
});
