import * as z from 'zod';
import { httpHandler } from '#shared/http.js';
import { LOG_LEVELS } from '#shared/log-buffer.js';
import { intParam } from '#shared/validation.js';
import { recentLogRecords } from './logs-service.js';

const Rfc3339Schema = z.iso
  .datetime({ offset: true, message: 'must be an RFC 3339 time such as 2025-01-31T12:00:00Z' })
  .transform((value) => new Date(value))
  .optional();

export const LogsQuerySchema = z
  .object({
    level: z
      .string()
      .transform((v) => v.toUpperCase())
      .pipe(z.enum(LOG_LEVELS, { message: `must be one of ${LOG_LEVELS.join(', ')}` }))
      .optional(),
    since: Rfc3339Schema,
    until: Rfc3339Schema,
    limit: intParam('limit', { min: 1, max: 1000, default: 100 }),
  })
  .refine((q) => !q.since || !q.until || q.since <= q.until, { path: ['since'], message: 'must not be after until' });

const LogRecordSchema = z.looseObject({ level: z.string(), message: z.string(), timestamp: z.string() });

export const LogsAnswerSchema = z.object({
  source: z.enum(['cloudwatch', 'memory']),
  since: z.string(),
  until: z.string(),
  count: z.number().int(),
  complete: z.boolean(),
  scope: z.string(),
  records: z.array(LogRecordSchema),
});

/** Recent structured log records, newest first: `level` is the lowest level shown (default INFO). */
export const handler = httpHandler({ query: LogsQuerySchema, response: LogsAnswerSchema }, async ({ query }) => ({
  data: await recentLogRecords({ minLevel: query.level ?? 'INFO', since: query.since, until: query.until, limit: query.limit }),
}));
