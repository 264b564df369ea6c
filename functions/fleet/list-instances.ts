import { httpHandler } from '#shared/http.js';
import { listInstances } from './fleet-service.js';
import { InstancesPageSchema, ListInstancesQuerySchema, ServicePathSchema } from './schemas.js';

export const handler = httpHandler({ path: ServicePathSchema, query: ListInstancesQuerySchema, response: InstancesPageSchema }, async ({ path, query }) => ({
  data: await listInstances(path.service_name, query),
}));
