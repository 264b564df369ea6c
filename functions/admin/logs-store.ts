import { CloudWatchLogsClient, DescribeLogGroupsCommand, GetQueryResultsCommand, StartQueryCommand, StopQueryCommand } from '@aws-sdk/client-cloudwatch-logs';
import type { ResultField } from '@aws-sdk/client-cloudwatch-logs';
import type { LogLevelName, LogRecord } from '#shared/log-buffer.js';
import { LOG_LEVELS, levelRank } from '#shared/log-buffer.js';
import { config } from '#shared/config.js';

/**
 * The functions' log records in CloudWatch Logs (AWS). Every function of the deployment logs to
 * its own group under `LOG_GROUP_PREFIX` (infra names them so); one CloudWatch Logs Insights query
 * over those groups (50 a query, the service's limit) filters by level and time, sorts newest first
 * and stops at the limit on the service side, which FilterLogEvents (one group a call, oldest first)
 * cannot do without reading every event of the range from every group.
 */
export type LogsClient = Pick<CloudWatchLogsClient, 'send'>;

const defaultClient: LogsClient = new CloudWatchLogsClient({ region: config.region });
const GROUPS_PER_QUERY = 50;
const POLL_MS = 500;

export type CloudWatchQuery = Readonly<{ minLevel: LogLevelName; since: Date; until: Date; limit: number; deadline: number }>;

/** The names of the log groups under `prefix`. */
export async function logGroupsUnder(prefix: string, client: LogsClient = defaultClient): Promise<string[]> {
  const names: string[] = [];
  let nextToken: string | undefined;
  do {
    const page = await client.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: prefix, ...(nextToken ? { nextToken } : {}) }));
    names.push(...(page.logGroups ?? []).flatMap((g) => (g.logGroupName ? [g.logGroupName] : [])));
    nextToken = page.nextToken;
  } while (nextToken);
  return names;
}

/** The Insights query: structured records (they have `level`) at `minLevel` or above, newest first. */
export function insightsQuery(minLevel: LogLevelName, limit: number): string {
  const levels = LOG_LEVELS.filter((l) => levelRank(l) >= levelRank(minLevel));
  return [
    'fields @timestamp, @message, @log',
    `filter ispresent(level) and level in [${levels.map((l) => `"${l}"`).join(', ')}]`,
    'sort @timestamp desc',
    `limit ${limit}`,
  ].join(' | ');
}

/** A result row as a log record: the JSON the function printed, plus the group it came from. */
export function recordOfRow(row: readonly ResultField[]): LogRecord | undefined {
  const field = (name: string) => row.find((f) => f.field === name)?.value;
  const message = field('@message');
  if (!message) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(message);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
  const record = parsed as Record<string, unknown>;
  const group = field('@log')?.replace(/^\d+:/, '');
  return {
    ...record,
    level: typeof record.level === 'string' ? record.level : 'INFO',
    message: typeof record.message === 'string' ? record.message : '',
    timestamp: typeof record.timestamp === 'string' ? record.timestamp : new Date(`${field('@timestamp') ?? ''}Z`).toISOString(),
    ...(group ? { log_group: group } : {}),
  };
}

async function runQuery(groups: string[], query: CloudWatchQuery, client: LogsClient): Promise<{ records: LogRecord[]; complete: boolean }> {
  const { queryId } = await client.send(
    new StartQueryCommand({
      logGroupNames: groups,
      startTime: Math.floor(query.since.getTime() / 1000),
      endTime: Math.ceil(query.until.getTime() / 1000),
      queryString: insightsQuery(query.minLevel, query.limit),
      limit: query.limit,
    }),
  );
  if (!queryId) throw new Error('CloudWatch Logs started no query');
  for (;;) {
    const out = await client.send(new GetQueryResultsCommand({ queryId }));
    const done = out.status === 'Complete' || out.status === 'Failed' || out.status === 'Cancelled' || out.status === 'Timeout';
    if (done || Date.now() + POLL_MS > query.deadline) {
      if (!done) await client.send(new StopQueryCommand({ queryId })).catch(() => undefined);
      if (out.status === 'Failed') throw new Error(`the CloudWatch Logs Insights query failed over ${groups.length} log groups`);
      const records = (out.results ?? []).flatMap((row) => recordOfRow(row) ?? []);
      return { records, complete: out.status === 'Complete' };
    }
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

/**
 * Records from every group under `prefix`, newest first, at most `limit`; `complete` is false when
 * the deadline came before CloudWatch finished (the records are then what it had found).
 */
export async function queryLogGroups(
  prefix: string,
  query: CloudWatchQuery,
  client: LogsClient = defaultClient,
): Promise<{ records: LogRecord[]; complete: boolean; groups: number }> {
  const groups = await logGroupsUnder(prefix, client);
  const chunks: string[][] = [];
  for (let i = 0; i < groups.length; i += GROUPS_PER_QUERY) chunks.push(groups.slice(i, i + GROUPS_PER_QUERY));
  const results = await Promise.all(chunks.map((chunk) => runQuery(chunk, query, client)));
  const since = query.since.getTime();
  const until = query.until.getTime();
  const records = results
    .flatMap((r) => r.records)
    .filter((r) => Date.parse(r.timestamp) >= since && Date.parse(r.timestamp) <= until)
    .sort((a, b) => Date.parse(b.timestamp) - Date.parse(a.timestamp))
    .slice(0, query.limit);
  return { records, complete: results.every((r) => r.complete), groups: groups.length };
}
