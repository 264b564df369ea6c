import { config } from '#shared/config.js';
import { checkDatabase, formatUptime } from '#shared/dependencies.js';
import { httpHandler } from '#shared/http.js';
import { nowIso } from '#shared/ids.js';
import { FleetHealthSchema } from './schemas.js';

/**
 * Release-system health (release-system.md §4.1). `cache` is reported as `not_used`: this design
 * has no cache tier (DynamoDB serves every read). HTTP 503 when the database is down.
 */
export const handler = httpHandler({ response: { 200: { data: FleetHealthSchema }, 503: { data: FleetHealthSchema } } }, async () => {
  // The release system's own table: this public route's function is granted no other.
  const database = await checkDatabase(config.tables.fleet);
  const data = {
    status: database.ok ? 'healthy' : 'unhealthy',
    version: config.version,
    uptime: formatUptime(config.startedAt),
    database: database.ok ? 'connected' : 'disconnected',
    cache: 'not_used',
    timestamp: nowIso(),
    ...(database.ok ? {} : { error: database.reason }),
  };
  return database.ok ? { data } : { statusCode: 503, message: 'unhealthy', data };
});
