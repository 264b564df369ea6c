import { config } from '#shared/config.js';
import type { LogLevelName, LogRecord } from '#shared/log-buffer.js';
import { LOG_BUFFER_CAPACITY, recentLogs } from '#shared/log-buffer.js';
import { queryLogGroups } from './logs-store.js';

/**
 * Recent structured log records (`GET /admin/system/logs`). In AWS (`LOG_GROUP_PREFIX` set by the
 * stack) they come from the functions' CloudWatch log groups; off AWS from this process's buffer,
 * which the local runtime fills with every record from INFO up (`LOG_BUFFER_LEVEL`).
 */
export type LogsQuery = Readonly<{ minLevel: LogLevelName; since: Date | undefined; until: Date | undefined; limit: number }>;

export type LogsAnswer = Readonly<{
  source: 'cloudwatch' | 'memory';
  since: string;
  until: string;
  count: number;
  /** False when CloudWatch had not finished within the request's time: the records are what it had found. */
  complete: boolean;
  /** What the source holds: the log groups queried, or the buffer's levels and capacity. */
  scope: string;
  records: LogRecord[];
}>;

/** Without `since`, the hour before `until` (CloudWatch Logs Insights is billed by the data it scans). */
export const DEFAULT_WINDOW_MS = 60 * 60 * 1000;
/** CloudWatch gets this long; the rest of API Gateway's 29 s is left for the answer. */
const CLOUDWATCH_BUDGET_MS = 20_000;

export async function recentLogRecords(query: LogsQuery): Promise<LogsAnswer> {
  const until = query.until ?? new Date();
  const since = query.since ?? new Date(until.getTime() - DEFAULT_WINDOW_MS);
  const window = { since: since.toISOString(), until: until.toISOString() };
  if (config.logGroupPrefix) {
    const found = await queryLogGroups(config.logGroupPrefix, {
      minLevel: query.minLevel,
      since,
      until,
      limit: query.limit,
      deadline: Date.now() + CLOUDWATCH_BUDGET_MS,
    });
    return {
      source: 'cloudwatch',
      ...window,
      count: found.records.length,
      complete: found.complete,
      scope: `${found.groups} log groups under ${config.logGroupPrefix}`,
      records: found.records,
    };
  }
  const records = recentLogs({ minLevel: query.minLevel, since, until, limit: query.limit });
  const scope =
    config.logBufferLevel === 'SILENT'
      ? 'nothing: this process keeps no log buffer (LOG_BUFFER_LEVEL is SILENT)'
      : `this process's last ${LOG_BUFFER_CAPACITY} records from ${config.logBufferLevel} up`;
  return { source: 'memory', ...window, count: records.length, complete: true, scope, records };
}
