import { ConflictError } from '#shared/errors.js';
import { nowIso } from '#shared/ids.js';
import { OperationNotFoundError } from './errors.js';
import { commandFor, finishInstance } from './instance-flow.js';
import { notifyCommand } from './command-watch.js';
import { endOperation } from './operation-end.js';
import { stopExecution } from './operations-service.js';
import * as commands from './store/commands.js';
import * as operations from './store/operations.js';
import type { OperationKind, OperationRecord, RowRecord } from './store/records.js';
import { TERMINAL } from './store/records.js';

/** Status reads and cancellation of deployments and rollbacks. */

function instanceView(row: RowRecord) {
  return {
    instance_id: row.instance_id,
    status: row.status,
    current_version: row.current_version,
    target_version: row.target_version,
    started_at: row.started_at,
    completed_at: row.completed_at,
    error_message: row.error_message,
    attempts: row.attempts,
    output_tail: row.output_tail,
  };
}

/**
 * `pending` is every instance not finished yet (waiting or working), as release-system.md shows, so
 * completed + failed + cancelled + pending = total; `in_progress` says how many of them are working.
 */
function progressOf(rows: readonly RowRecord[]) {
  const count = (status: RowRecord['status']) => rows.filter((r) => r.status === status).length;
  return {
    total: rows.length,
    completed: count('completed'),
    failed: count('failed'),
    pending: count('pending') + count('in_progress'),
    in_progress: count('in_progress'),
    cancelled: count('cancelled'),
  };
}

async function load(kind: OperationKind, id: string) {
  const found = await operations.getOperationWithRows(id);
  if (!found || found.op.kind !== kind) throw new OperationNotFoundError(kind, id);
  found.rows.sort((a, b) => found.op.instances.indexOf(a.instance_id) - found.op.instances.indexOf(b.instance_id));
  return found;
}

/** What deploy and rollback status share: state, progress, rows and times. */
function statusBody(op: OperationRecord, rows: readonly RowRecord[]) {
  return {
    status: op.status === 'starting' ? 'pending' : op.status,
    progress: progressOf(rows),
    instances: rows.map(instanceView),
    started_at: op.started_at,
    updated_at: op.updated_at,
    completed_at: op.completed_at,
    ...(op.error_message ? { error_message: op.error_message } : {}),
  };
}

export async function deployStatus(id: string) {
  const { op, rows } = await load('deploy', id);
  return { deploy_id: op.id, service: op.service, version: op.version, ...statusBody(op, rows) };
}

export async function rollbackStatus(id: string) {
  const { op, rows } = await load('rollback', id);
  return { rollback_id: op.id, service: op.service, target_version: op.version, rollback_type: op.rollback_type ?? 'batch', ...statusBody(op, rows) };
}

/**
 * Cancels an operation. The header ends `cancelled` first, so every later BeginAttempt skips its
 * instance; then the rows are read (after that write, so none is missed) and the workflow stopped.
 * Rows not started end `cancelled` (conditionally: a BeginAttempt that got there first keeps its
 * row, which is then handled as working). A working instance whose agent already answered keeps
 * that answer (its work did happen on the machine); one still working gets a cancel command and
 * keeps the final state its agent reports. Cancelling a finished operation is a 409.
 */
export async function cancelOperation(kind: OperationKind, id: string): Promise<{ op: OperationRecord; cancelledAt: string }> {
  const { op } = await load(kind, id);
  if (TERMINAL.includes(op.status as RowRecord['status']) || !(await endOperation(op, 'cancelled', null))) {
    const now = (await operations.getOperation(id))?.status ?? op.status;
    throw new ConflictError(`${kind} ${id} already ended ${now}; nothing to cancel`);
  }
  const cancelled = (await operations.getOperation(id)) ?? { ...op, status: 'cancelled' as const, cancelled_at: nowIso() };
  await stopExecution(op, 'cancelled by request');
  const { rows } = await load(kind, id);
  for (const row of rows) await cancelRow(cancelled, row);
  return { op: cancelled, cancelledAt: cancelled.cancelled_at ?? nowIso() };
}

async function cancelRow(op: OperationRecord, row: RowRecord): Promise<void> {
  if (row.status === 'pending') {
    if (await finishInstance(op, row.instance_id, 'cancelled', { error_message: 'cancelled before it started' })) return;
    const now = await operations.getRow(op.id, row.instance_id);
    if (now?.status === 'in_progress') await cancelRow(op, now);
    return;
  }
  if (row.status !== 'in_progress') return;
  if (!row.command_id) {
    await finishInstance(op, row.instance_id, 'cancelled', { error_message: 'cancelled before it was dispatched' });
    return;
  }
  const target = await commands.getCommand(row.command_id);
  if (target?.status === 'queued' && (await commands.withdraw(target.command_id))) {
    // Never picked up: nothing runs on the instance, so it is cancelled now.
    await commands.dequeue(target);
    await finishInstance(op, row.instance_id, 'cancelled', { error_message: 'cancelled before the agent picked it up' });
    return;
  }
  const answer = target?.answer;
  if (target?.status === 'done' && answer) {
    // The agent finished before the cancel, but the workflow had not recorded it: its answer stands.
    await finishInstance(
      op,
      row.instance_id,
      answer.status,
      {
        error_message: answer.status === 'completed' ? null : (answer.error_message ?? answer.status),
        output_tail: answer.output_tail,
        ...(answer.status === 'completed' ? { current_version: answer.version } : {}),
      },
      row.command_id,
    );
    return;
  }
  await commands.enqueue(cancelCommand(op, row.instance_id, row.command_id));
  notifyCommand(op.service, row.instance_id);
}

function cancelCommand(op: OperationRecord, instance: string, target: string) {
  return { ...commandFor(op, instance, 'cancel', 1, 0), target_command_id: target };
}
