import { httpHandler } from '#shared/http.js';
import { stats } from './fleet-service.js';
import { StatsQuerySchema } from './schemas.js';

export const handler = httpHandler({ query: StatsQuerySchema }, async ({ query }) => ({ data: await stats(query.period) }));
