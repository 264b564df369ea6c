import { nowIso } from '#shared/ids.js';
import { OperationGoneError } from './errors.js';
import { finishInstance } from './instance-flow.js';
import { hourOf } from './keys.js';
import { bumpStats } from './store/fleet-records.js';
import * as operations from './store/operations.js';
import type { OperationRecord, RowRecord } from './store/records.js';

/**
 * How an operation ends: from the workflow's Summarise task, from its Catch path, or from the
 * execution's end event when the workflow could not say it itself. The header's conditional update
 * makes the first of them win, so a cancel is never overwritten.
 */

/**
 * The operation's outcome from its rows: cancelled when it was, else completed only when every row
 * completed — a row still pending or in progress was never recorded, and counts as a failure.
 */
export function outcomeOf(op: OperationRecord, rows: readonly RowRecord[]): 'completed' | 'failed' | 'cancelled' {
  if (op.status === 'cancelled') return 'cancelled';
  return rows.every((r) => r.status === 'completed') ? 'completed' : 'failed';
}

/** Ends the operation once (the header's conditional update), counting it in the stats. */
export async function endOperation(op: OperationRecord, status: 'completed' | 'failed' | 'cancelled', errorMessage: string | null): Promise<boolean> {
  const now = nowIso();
  const ended = await operations.updateOperation(op.id, {
    status,
    completed_at: now,
    updated_at: now,
    ...(errorMessage ? { error_message: errorMessage } : {}),
    ...(status === 'cancelled' ? { cancelled_at: now, halted: true } : {}),
  });
  if (ended) await bumpStats(hourOf(op.started_at), `${op.kind}_${status === 'completed' ? 'success' : status}`);
  return ended;
}

/**
 * Rows the workflow left unfinished end with `reason` (failed), or `cancelled` when the operation
 * was cancelled; a cancelled operation's running rows wait for their agents' own answers instead.
 */
async function finishUnfinished(op: OperationRecord, rows: readonly RowRecord[], reason: string): Promise<RowRecord[]> {
  const cancelled = op.status === 'cancelled';
  const after: RowRecord[] = [];
  for (const row of rows) {
    const next = row.status === 'pending' ? (cancelled ? 'cancelled' : 'failed') : row.status === 'in_progress' && !cancelled ? 'failed' : undefined;
    const ended = next ? await finishInstance(op, row.instance_id, next, { error_message: cancelled ? 'cancelled before it started' : reason }) : undefined;
    after.push(ended ?? (await operations.getRow(op.id, row.instance_id)) ?? row);
  }
  return after;
}

/** After the Map: rows it left unfinished fail with the reason, then the operation ends. */
export async function summarise(opId: string): Promise<{ status: string }> {
  const found = await operations.getOperationWithRows(opId);
  if (!found) throw new OperationGoneError(opId);
  const rows = await finishUnfinished(found.op, found.rows, 'the workflow ended without recording this instance');
  const status = outcomeOf(found.op, rows);
  await endOperation(found.op, status, null);
  return { status };
}

/**
 * The execution ended. SUCCEEDED: the workflow normally ended the operation itself; if it did not
 * (its Summarise was lost), it is summarised now. Failed, timed out, aborted or lost in a local
 * restart: rows still pending or running end with the reason, so nothing stays in progress forever.
 */
export async function workflowEnded(opId: string, status: string, cause: string): Promise<void> {
  const found = await operations.getOperationWithRows(opId);
  if (!found) return;
  const { op, rows } = found;
  if (op.status === 'completed' || op.status === 'failed') return;
  if (status === 'SUCCEEDED') {
    await summarise(opId);
    return;
  }
  const reason = `the workflow ended ${status.toLowerCase()}: ${cause}`;
  await finishUnfinished(op, rows, reason);
  if (op.status !== 'cancelled') await endOperation(op, 'failed', reason);
}
