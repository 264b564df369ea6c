import { newId, nowIso } from '#shared/ids.js';
import { notifyCommand } from './command-watch.js';
import { hourOf } from './keys.js';
import * as commands from './store/commands.js';
import { appendHistory, bumpStats } from './store/fleet-records.js';
import * as instances from './store/instances.js';
import * as operations from './store/operations.js';
import type { CommandRecord, OperationRecord, RowRecord, RowStatus } from './store/records.js';

/**
 * What happens to one instance of an operation, step by step: the logic behind the workflow's
 * tasks and the agent's answers. Every transition is a conditional row update, so repeats and
 * late answers are harmless.
 */

const HISTORY_STATUS = { completed: 'success', failed: 'failed', cancelled: 'cancelled' } as const;

/** Ends an instance's part: the row's final state, its version history, its lock. */
/** What an instance's steps need of their operation; the workflow input carries it. */
export type OperationRef = Pick<OperationRecord, 'id' | 'kind' | 'service' | 'version' | 'package_url' | 'sha256' | 'timeout'>;

export async function finishInstance(
  op: OperationRef,
  instance: string,
  status: 'completed' | 'failed' | 'cancelled',
  fields: Partial<RowRecord>,
): Promise<RowRecord | undefined> {
  const now = nowIso();
  const row = await operations.updateRow(op.id, instance, status, { ...fields, completed_at: now });
  if (!row) return undefined;
  if (status === 'completed') await instances.setInstanceVersion(op.service, instance, op.version, now);
  await appendHistory(op.service, instance, { version: op.version, action: op.kind, deploy_id: op.id, timestamp: now, status: HISTORY_STATUS[status] }).catch(
    () => undefined,
  );
  await instances.unlockInstance(op.service, instance, op.id);
  return row;
}

/** Before each attempt: skip the instance when the operation was cancelled or halted by a failure. */
export async function beginAttempt(opId: string, instance: string, attempt: number): Promise<{ dispatch: boolean }> {
  const op = await operations.getOperation(opId);
  if (!op) throw new Error(`operation ${opId} not found`);
  if (op.status === 'cancelled' || op.halted) {
    await finishInstance(op, instance, 'cancelled', {
      error_message: op.status === 'cancelled' ? 'cancelled before it started' : 'not started: stop_on_failure after another instance failed',
    });
    return { dispatch: false };
  }
  const now = nowIso();
  const row = await operations.getRow(opId, instance);
  await operations.updateRow(opId, instance, 'in_progress', {
    attempts: attempt,
    started_at: row?.started_at ?? now,
    error_message: attempt > 1 ? (row?.error_message ?? null) : null,
  });
  return { dispatch: true };
}

/** A queued command of `op` for one instance's agent. */
export function commandFor(op: OperationRef, instance: string, type: CommandRecord['type'], attempt: number, progressIntervalSeconds: number): CommandRecord {
  return {
    command_id: newId('cmd'),
    type,
    operation_id: op.id,
    service: op.service,
    instance_id: instance,
    version: op.version,
    package_url: op.package_url,
    sha256: op.sha256,
    timeout_seconds: op.timeout,
    progress_interval_seconds: progressIntervalSeconds,
    attempt,
    status: 'queued',
    created_at: nowIso(),
  };
}

/** Hands the attempt to the instance's agent: a command that carries the task token server-side. */
export async function dispatch(op: OperationRef, instance: string, attempt: number, token: string, progressIntervalSeconds: number): Promise<string> {
  const opId = op.id;
  const command = { ...commandFor(op, instance, op.kind, attempt, progressIntervalSeconds), token };
  await commands.enqueue(command);
  await operations.updateRow(opId, instance, 'in_progress', { command_id: command.command_id }, ['in_progress']);
  notifyCommand(op.service, instance);
  return command.command_id;
}

export type AttemptError = { Error?: string; Cause?: string };

/** Error message and hook output carried by an AgentFailed cause. */
export function describeFailure(error: AttemptError, timeout: number): { message: string; output: string | null; cancelled: boolean } {
  const kind = error.Error ?? 'States.TaskFailed';
  if (kind === 'States.Timeout' || kind === 'States.HeartbeatTimeout') {
    return {
      message: kind === 'States.HeartbeatTimeout' ? 'the agent stopped reporting progress (heartbeat timeout)' : `the agent did not answer within ${timeout} s`,
      output: null,
      cancelled: false,
    };
  }
  try {
    const cause = JSON.parse(error.Cause ?? '{}') as { error_message?: string; output_tail?: string };
    return { message: cause.error_message ?? kind, output: cause.output_tail ?? null, cancelled: kind === 'AgentCancelled' };
  } catch {
    return { message: error.Cause ?? kind, output: null, cancelled: kind === 'AgentCancelled' };
  }
}

/**
 * After a failed attempt (the agent failed, timed out or stopped heartbeating): retry with backoff
 * while attempts remain, else end the instance `failed` (and halt the rollout on stop_on_failure).
 */
export async function attemptFailed(
  opId: string,
  instance: string,
  attempt: number,
  error: AttemptError,
): Promise<{ again: boolean; attempt: number; wait_seconds: number }> {
  const op = await operations.getOperation(opId);
  if (!op) throw new Error(`operation ${opId} not found`);
  const row = await operations.getRow(opId, instance);
  if (row?.command_id) {
    const command = await commands.getCommand(row.command_id);
    if (command && (await commands.finish(command.command_id, 'expired'))) await commands.dequeue(command);
  }
  const failure = describeFailure(error, op.timeout);
  if (failure.cancelled) {
    await finishInstance(op, instance, 'cancelled', { error_message: failure.message, output_tail: failure.output });
    return { again: false, attempt, wait_seconds: 0 };
  }
  const message = `attempt ${attempt} of ${op.retry_count + 1}: ${failure.message}`;
  if (attempt <= op.retry_count && op.status !== 'cancelled') {
    await operations.updateRow(opId, instance, 'in_progress', { error_message: message, output_tail: failure.output }, ['in_progress']);
    return { again: true, attempt: attempt + 1, wait_seconds: Math.min(30, 2 ** (attempt - 1)) };
  }
  await finishInstance(op, instance, 'failed', { error_message: message, output_tail: failure.output });
  if (op.stop_on_failure) await operations.updateOperation(opId, { halted: true, updated_at: nowIso() });
  return { again: false, attempt, wait_seconds: 0 };
}

/** The agent's success answer, as the workflow received it. */
export async function attemptSucceeded(op: OperationRef, instance: string, result: { version?: string; output_tail?: string | null }): Promise<void> {
  await finishInstance(op, instance, 'completed', {
    current_version: result.version ?? op.version,
    output_tail: result.output_tail ?? null,
    error_message: null,
  });
}

/** The operation's outcome from its rows: cancelled, failed when any instance failed, else completed. */
export function outcomeOf(op: OperationRecord, rows: readonly RowRecord[]): 'completed' | 'failed' | 'cancelled' {
  if (op.status === 'cancelled') return 'cancelled';
  return rows.some((r) => r.status === 'failed' || r.status === 'cancelled') ? 'failed' : 'completed';
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

/** After the Map: every row has ended, so the operation ends too. */
export async function summarise(opId: string): Promise<{ status: string }> {
  const found = await operations.getOperationWithRows(opId);
  if (!found) throw new Error(`operation ${opId} not found`);
  const status = outcomeOf(found.op, found.rows);
  await endOperation(found.op, status, null);
  return { status };
}

/**
 * The workflow ended without Summarise (failed, timed out, aborted — or the local runtime restarted):
 * rows still pending or running end with the reason, so nothing stays in progress forever. A
 * cancelled operation's running rows wait for their agents' own answers instead.
 */
export async function workflowEnded(opId: string, status: string, cause: string): Promise<void> {
  const found = await operations.getOperationWithRows(opId);
  if (!found) return;
  const { op, rows } = found;
  const cancelled = op.status === 'cancelled';
  const reason = `the workflow ended ${status.toLowerCase()}: ${cause}`;
  for (const row of rows) {
    const next: RowStatus | undefined =
      row.status === 'pending' ? (cancelled ? 'cancelled' : 'failed') : row.status === 'in_progress' && !cancelled ? 'failed' : undefined;
    if (next === 'cancelled' || next === 'failed')
      await finishInstance(op, row.instance_id, next, { error_message: cancelled ? 'cancelled before it started' : reason });
  }
  if (!cancelled) await endOperation(op, 'failed', reason);
}
