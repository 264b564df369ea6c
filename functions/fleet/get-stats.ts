import { httpHandler } from '#shared/http.js';
import { stats } from './fleet-service.js';
import { StatsQuerySchema, StatsSchema } from './schemas.js';

export const handler = httpHandler({ query: StatsQuerySchema, response: StatsSchema }, async ({ query }) => ({ data: await stats(query.period) }));
