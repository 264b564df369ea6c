import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { config } from './config.js';
import { dynamo } from './dynamo.js';

/**
 * Whether DynamoDB answers for a table (by default the platform table); the failure reason
 * otherwise. A domain's health route checks its own table: its function may describe no other.
 */
export async function checkDatabase(tableName: string = config.tables.platform): Promise<{ ok: true } | { ok: false; reason: string }> {
  try {
    const { Table } = await dynamo.send(new DescribeTableCommand({ TableName: tableName }), { abortSignal: AbortSignal.timeout(3000) });
    return Table?.TableStatus === 'ACTIVE' || Table?.TableStatus === 'UPDATING' ? { ok: true } : { ok: false, reason: `table status ${Table?.TableStatus}` };
  } catch (error) {
    return { ok: false, reason: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
  }
}

/** Go-style duration (`72h30m15s`), the format release-system.md shows for uptime. */
export function formatUptime(since: Date, now: Date = new Date()): string {
  let seconds = Math.max(0, Math.floor((now.getTime() - since.getTime()) / 1000));
  const hours = Math.floor(seconds / 3600);
  seconds -= hours * 3600;
  const minutes = Math.floor(seconds / 60);
  seconds -= minutes * 60;
  return `${hours}h${minutes}m${seconds}s`;
}
