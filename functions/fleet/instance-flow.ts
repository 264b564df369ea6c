import { newId, nowIso } from '#shared/ids.js';
import { notifyCommand } from './command-watch.js';
import { InstanceEndedError, OperationGoneError, TASK_ERRORS } from './errors.js';
import * as commands from './store/commands.js';
import { appendHistory } from './store/fleet-records.js';
import * as instances from './store/instances.js';
import * as operations from './store/operations.js';
import type { CommandRecord, OperationRecord, RowRecord } from './store/records.js';
import { TERMINAL } from './store/records.js';

/**
 * What happens to one instance of an operation, step by step: the logic behind the workflow's
 * tasks and the agent's answers. Every transition is a conditional row update, so repeats and
 * late answers are harmless.
 */

const HISTORY_STATUS = { completed: 'success', failed: 'failed', cancelled: 'cancelled' } as const;

/** What an instance's steps need of their operation; the workflow input carries it. */
export type OperationRef = Pick<OperationRecord, 'id' | 'kind' | 'service' | 'version' | 'package_url' | 'sha256' | 'timeout'>;

/**
 * Ends an instance's part once: the row's final state, its version history, its lock. A row only
 * becomes `completed` from `in_progress` under the command its agent answered (`commandId`), so an
 * instance that never started can never read `completed`; failed and cancelled need no command.
 * Undefined (and nothing else written) when the row had already ended.
 */
export async function finishInstance(
  op: OperationRef,
  instance: string,
  status: 'completed' | 'failed' | 'cancelled',
  fields: Partial<RowRecord>,
  commandId?: string,
): Promise<RowRecord | undefined> {
  if (status === 'completed' && commandId === undefined) throw new Error(`instance ${instance} of ${op.id}: completed needs the answered command`);
  const now = nowIso();
  const row =
    status === 'completed'
      ? await operations.updateRow(op.id, instance, status, { ...fields, completed_at: now }, ['in_progress'], commandId)
      : await operations.updateRow(op.id, instance, status, { ...fields, completed_at: now });
  if (!row) return undefined;
  if (status === 'completed') await instances.setInstanceVersion(op.service, instance, op.version, now);
  await appendHistory(op.service, instance, { version: op.version, action: op.kind, deploy_id: op.id, timestamp: now, status: HISTORY_STATUS[status] }).catch(
    () => undefined,
  );
  await instances.unlockInstance(op.service, instance, op.id);
  return row;
}

/**
 * Before each attempt: skip the instance when the operation was cancelled or halted by a failure,
 * else mark it in progress — conditionally, so a cancel that marked the row `cancelled` after the
 * operation was read wins, and the instance is not dispatched.
 */
export async function beginAttempt(opId: string, instance: string, attempt: number): Promise<{ dispatch: boolean }> {
  const op = await operations.getOperation(opId);
  if (!op) throw new OperationGoneError(opId);
  if (op.status === 'cancelled' || op.halted) {
    await finishInstance(op, instance, 'cancelled', {
      error_message: op.status === 'cancelled' ? 'cancelled before it started' : 'not started: stop_on_failure after another instance failed',
    });
    return { dispatch: false };
  }
  const now = nowIso();
  const row = await operations.getRow(opId, instance);
  const started = await operations.updateRow(opId, instance, 'in_progress', {
    attempts: attempt,
    started_at: row?.started_at ?? now,
    error_message: attempt > 1 ? (row?.error_message ?? null) : null,
  });
  return { dispatch: started !== undefined };
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
  // The row names its command before the agent can see it; a row a cancel has ended gets none.
  if (!(await operations.updateRow(opId, instance, 'in_progress', { command_id: command.command_id }, ['in_progress'])))
    throw new InstanceEndedError(opId, instance);
  await commands.enqueue(command);
  // A cancel that read the row before the command existed could not withdraw it: do it here.
  if ((await operations.getOperation(opId))?.status === 'cancelled' && (await commands.withdraw(command.command_id))) {
    await commands.dequeue(command);
    await finishInstance(op, instance, 'cancelled', { error_message: 'cancelled before the agent picked it up' });
    throw new InstanceEndedError(opId, instance);
  }
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
    return { message: cause.error_message ?? kind, output: cause.output_tail ?? null, cancelled: kind === TASK_ERRORS.AgentCancelled };
  } catch {
    return { message: error.Cause ?? kind, output: null, cancelled: kind === TASK_ERRORS.AgentCancelled };
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
  if (!op) throw new OperationGoneError(opId);
  const row = await operations.getRow(opId, instance);
  // Ended meanwhile (a cancel): nothing to retry.
  if (!row || TERMINAL.includes(row.status)) return { again: false, attempt, wait_seconds: 0 };
  if (row.command_id) {
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

/** The agent's success answer, as the workflow received it, for the command it answered. */
export async function attemptSucceeded(
  op: OperationRef,
  instance: string,
  result: { command_id: string; version?: string; output_tail?: string | null },
): Promise<'completed' | 'already ended'> {
  const row = await finishInstance(
    op,
    instance,
    'completed',
    { current_version: result.version ?? op.version, output_tail: result.output_tail ?? null, error_message: null },
    result.command_id,
  );
  return row ? 'completed' : 'already ended';
}

/** Where recording failed: the reason an instance ends `failed` with when its outcome could not be recorded. */
export const UNRECORDED_STEPS = {
  begin: 'could not start the attempt',
  success: "could not record the agent's success",
  failure: "could not record the agent's failure",
} as const;

/**
 * The Catch path of the recording tasks: the instance ends `failed` with the reason and its lock is
 * freed, so the operation's outcome never counts an instance whose result was not recorded.
 */
export async function instanceUnrecorded(op: OperationRef, instance: string, step: keyof typeof UNRECORDED_STEPS, error: AttemptError): Promise<void> {
  const reason = `${UNRECORDED_STEPS[step]}: ${error.Error ?? 'error'}${error.Cause ? `: ${error.Cause}` : ''}`;
  await finishInstance(op, instance, 'failed', { error_message: reason.slice(0, 2000) });
}
