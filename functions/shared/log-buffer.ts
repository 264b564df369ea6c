import { LogLevelThreshold } from '@aws-lambda-powertools/logger';

/**
 * The last log records of this process, in memory: the local runtime's answer to
 * `/admin/system/logs` (in AWS the records are in CloudWatch Logs). Fed by the logger
 * (`observability.ts`) with each record exactly as it prints it, redaction included, from the level
 * `LOG_BUFFER_LEVEL` up, whether or not `LOG_LEVEL` lets it reach stdout.
 */
export const LOG_BUFFER_CAPACITY = 5000;

/** One structured log record: Powertools' keys (`level`, `message`, `timestamp`, `service`, …) and the caller's. */
export type LogRecord = Readonly<Record<string, unknown> & { level: string; message: string; timestamp: string }>;

export const LOG_LEVELS = ['DEBUG', 'INFO', 'WARN', 'ERROR', 'CRITICAL'] as const;
export type LogLevelName = (typeof LOG_LEVELS)[number];

/** The logger's numeric level of a level name (unknown names rank as INFO). */
export function levelRank(level: string): number {
  return (LogLevelThreshold as Record<string, number>)[level.toUpperCase()] ?? LogLevelThreshold.INFO;
}

// A ring: `next` is where the next record goes once the buffer is full.
const ring: LogRecord[] = [];
let next = 0;

export function recordLog(record: LogRecord): void {
  if (ring.length < LOG_BUFFER_CAPACITY) ring.push(record);
  else ring[next] = record;
  next = (next + 1) % LOG_BUFFER_CAPACITY;
}

export type LogQuery = Readonly<{ minLevel: LogLevelName; since?: Date; until?: Date; limit: number }>;

/** Records at `minLevel` or above within [since, until], newest first, at most `limit`. */
export function recentLogs(query: LogQuery): LogRecord[] {
  const min = levelRank(query.minLevel);
  const since = query.since?.getTime() ?? -Infinity;
  const until = query.until?.getTime() ?? Infinity;
  const out: LogRecord[] = [];
  for (let i = 1; i <= ring.length && out.length < query.limit; i += 1) {
    const record = ring[(next - i + ring.length) % ring.length]!;
    const at = Date.parse(record.timestamp);
    if (levelRank(record.level) >= min && at >= since && at <= until) out.push(record);
  }
  return out;
}
