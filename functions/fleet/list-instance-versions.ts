import { httpHandler } from '#shared/http.js';
import { instanceVersions } from './fleet-service.js';
import { InstanceVersionsQuerySchema, ServicePathSchema } from './schemas.js';

export const handler = httpHandler({ path: ServicePathSchema, query: InstanceVersionsQuerySchema }, async ({ path, query }) => ({
  data: await instanceVersions(path.service_name, query.include_stopped),
}));
