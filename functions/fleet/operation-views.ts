import { ConflictError } from '#shared/errors.js';
import { nowIso } from '#shared/ids.js';
import { OperationNotFoundError } from './errors.js';
import { commandFor, endOperation, finishInstance } from './instance-flow.js';
import { notifyCommand } from './command-watch.js';
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

function progressOf(rows: readonly RowRecord[]) {
  const count = (status: RowRecord['status']) => rows.filter((r) => r.status === status).length;
  return {
    total: rows.length,
    completed: count('completed'),
    failed: count('failed'),
    pending: count('pending'),
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
 * Cancels an operation: it ends `cancelled` at once, its workflow is stopped, instances not started
 * end `cancelled`, and every agent still working gets a cancel command; each such instance keeps
 * the final state its agent reports. Cancelling a finished operation is a 409.
 */
export async function cancelOperation(kind: OperationKind, id: string): Promise<{ op: OperationRecord; cancelledAt: string }> {
  const { op, rows } = await load(kind, id);
  if (TERMINAL.includes(op.status as RowRecord['status'])) {
    throw new ConflictError(`${kind} ${id} already ended ${op.status}; nothing to cancel`);
  }
  const cancelledAt = nowIso();
  await endOperation(op, 'cancelled', null);
  const cancelled = { ...op, status: 'cancelled' as const, cancelled_at: cancelledAt };
  await stopExecution(op, 'cancelled by request');
  for (const row of rows) {
    if (row.status === 'pending') await finishInstance(cancelled, row.instance_id, 'cancelled', { error_message: 'cancelled before it started' });
    else if (row.status === 'in_progress' && row.command_id) {
      const target = await commands.getCommand(row.command_id);
      if (target && target.status === 'queued' && (await commands.finish(target.command_id, 'cancelled'))) {
        // Never picked up: nothing runs on the instance, so it is cancelled now.
        await commands.dequeue(target);
        await finishInstance(cancelled, row.instance_id, 'cancelled', { error_message: 'cancelled before the agent picked it up' });
        continue;
      }
      await commands.enqueue(cancelCommand(op, row.instance_id, row.command_id));
      notifyCommand(op.service, row.instance_id);
    } else if (row.status === 'in_progress') {
      await finishInstance(cancelled, row.instance_id, 'cancelled', { error_message: 'cancelled before it was dispatched' });
    }
  }
  return { op: cancelled, cancelledAt };
}

function cancelCommand(op: OperationRecord, instance: string, target: string) {
  return { ...commandFor(op, instance, 'cancel', 1, 0), target_command_id: target };
}
