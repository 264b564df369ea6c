import { httpHandler } from '#shared/http.js';
import { deployStatus } from './operation-views.js';
import { DeployIdPathSchema, DeployStatusSchema } from './schemas.js';

export const handler = httpHandler({ path: DeployIdPathSchema, response: DeployStatusSchema }, async ({ path }) => ({
  data: await deployStatus(path.deploy_id),
}));
