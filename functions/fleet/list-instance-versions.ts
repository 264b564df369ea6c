import { httpHandler } from '#shared/http.js';
import { instanceVersions } from './fleet-service.js';
import { InstanceVersionsQuerySchema, InstanceVersionsSchema, ServicePathSchema } from './schemas.js';

export const handler = httpHandler(
  { path: ServicePathSchema, query: InstanceVersionsQuerySchema, response: InstanceVersionsSchema },
  async ({ path, query }) => ({
    data: await instanceVersions(path.service_name, query.include_stopped),
  }),
);
