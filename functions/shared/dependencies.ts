import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { ListExecutionsCommand } from '@aws-sdk/client-sfn';
import { config } from './config.js';
import { dynamo } from './dynamo.js';
import { sfn } from './workflows.js';

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

export type WorkflowsCheck = { ok: boolean; reason?: string; state_machines: { name: string; ok: boolean; reason?: string }[] };

/**
 * Whether Step Functions answers for each state machine this function knows (`STATE_MACHINES`):
 * one ListExecutions of at most one item each. In AWS a function knows its own domain's machines.
 */
export async function checkWorkflows(): Promise<WorkflowsCheck> {
  const machines = Object.entries(config.stateMachines);
  if (machines.length === 0) return { ok: false, reason: 'no state machine is configured for this function (STATE_MACHINES is empty)', state_machines: [] };
  const state_machines = await Promise.all(
    machines.map(async ([name, arn]) => {
      try {
        await sfn.send(new ListExecutionsCommand({ stateMachineArn: arn, maxResults: 1 }), { abortSignal: AbortSignal.timeout(3000) });
        return { name, ok: true };
      } catch (error) {
        return { name, ok: false, reason: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
      }
    }),
  );
  const failed = state_machines.filter((m) => !m.ok).map((m) => m.name);
  return { ok: failed.length === 0, ...(failed.length > 0 ? { reason: `Step Functions did not answer for ${failed.join(', ')}` } : {}), state_machines };
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
