import type { Caller } from '#shared/auth.js';
import { config } from '#shared/config.js';
import { ConflictError } from '#shared/errors.js';
import { nowIso } from '#shared/ids.js';
import { logger } from '#shared/observability.js';
import { completeTask, failTask, heartbeatTask } from '#shared/workflows.js';
import { waitForCommand } from './command-watch.js';
import { CommandGoneError, InstanceNotFoundError, WrongServiceError } from './errors.js';
import { finishInstance } from './instance-flow.js';
import * as commands from './store/commands.js';
import type { AgentCommand } from './store/commands.js';
import type { Registration } from './store/instances.js';
import * as instances from './store/instances.js';
import * as operations from './store/operations.js';
import type { CommandRecord, InstanceRecord } from './store/records.js';

/**
 * The deploy agent's side of the API: registration, heartbeats, commands and their answers. Each
 * call names the service it acts for (in the body or query, or through its command); an `agent`
 * caller may act only for the service its token is bound to, `admin` for any. The check comes
 * before anything is read or written, so a refused call changes nothing.
 */

/** Refuses (403) a caller that may not act for `service`; `what` says what it tried, for the message. */
export function assertActsFor(caller: Caller | undefined, service: string, what: string): void {
  if (caller?.role === 'admin') return;
  if (caller?.role !== 'agent' || caller.service !== service) throw new WrongServiceError(caller?.service, service, what);
}

export async function register(caller: Caller | undefined, r: Registration) {
  assertActsFor(caller, r.service, `register instance ${r.instance_id}`);
  await instances.register(r, nowIso());
  return {
    heartbeat_interval_seconds: config.agent.heartbeatSeconds,
    command_wait_seconds: config.agent.commandWaitSeconds,
    poll_interval_seconds: config.agent.pollIntervalSeconds,
  };
}

export async function heartbeat(caller: Caller | undefined, service: string, instance: string, version: string, state: InstanceRecord['state']) {
  assertActsFor(caller, service, `heartbeat for instance ${instance}`);
  if (!(await instances.heartbeat(service, instance, version, state, nowIso()))) throw new InstanceNotFoundError([instance], service);
  return {};
}

/**
 * How often a held poll re-reads the agent's queue. A command queued by this process wakes the poll
 * at once; the re-read only finds commands queued by another process (another Lambda container).
 */
const POLL_REREAD_MS = 5000;

/** Long poll for commands: answers at once when some are queued, else waits up to `wait` seconds. */
export async function pollCommands(caller: Caller | undefined, service: string, instance: string, waitSeconds: number): Promise<{ commands: AgentCommand[] }> {
  assertActsFor(caller, service, `poll commands for instance ${instance}`);
  const deadline = Date.now() + Math.min(waitSeconds, config.agent.commandWaitSeconds) * 1000;
  for (;;) {
    const queued = await commands.queued(service, instance);
    if (queued.length > 0 || Date.now() >= deadline) {
      if (queued.length === 0 && !(await instances.getInstance(service, instance))) throw new InstanceNotFoundError([instance], service);
      return { commands: queued };
    }
    await waitForCommand(service, instance, Math.min(POLL_REREAD_MS, deadline - Date.now()));
  }
}

/** The command, once the caller may answer it: its service must be the agent token's. */
async function liveCommand(caller: Caller | undefined, id: string, what: string): Promise<CommandRecord> {
  const command = await commands.getCommand(id);
  if (!command) throw new CommandGoneError(id, 'unknown');
  assertActsFor(caller, command.service, `${what} command ${id} for instance ${command.instance_id}`);
  return command;
}

export async function acknowledge(caller: Caller | undefined, id: string) {
  await commands.acknowledge(await liveCommand(caller, id, 'acknowledge'));
  return {};
}

const isDeadToken = (error: unknown) =>
  error instanceof Error && (error.name === 'TaskTimedOut' || error.name === 'InvalidToken' || error.name === 'TaskDoesNotExist');

/** Progress while an agent works: becomes SendTaskHeartbeat; 410 when the task is no longer waiting. */
export async function progress(caller: Caller | undefined, id: string) {
  const command = await liveCommand(caller, id, 'report progress on');
  if (command.status === 'cancelled') throw new ConflictError(`command ${id} was cancelled: stop at the next safe point`);
  if (command.status !== 'queued' && command.status !== 'acked') throw new CommandGoneError(id, command.status);
  if (command.token) {
    try {
      await heartbeatTask(command.token);
    } catch (error) {
      if (!isDeadToken(error)) throw error;
      const op = await operations.getOperation(command.operation_id);
      if (op?.status === 'cancelled') throw new ConflictError(`operation ${op.id} was cancelled: stop at the next safe point`);
      throw new CommandGoneError(id, 'no longer awaited (timed out)');
    }
  }
  return {};
}

export type AgentResult = { status: 'completed' | 'failed' | 'cancelled'; version: string; error_message: string | null; output_tail: string };

/**
 * The agent's answer. For a live attempt it completes the workflow's task (success, or the named
 * failure the state machine retries or records); when the workflow no longer waits (the operation
 * was cancelled and its execution stopped) the instance's final state is recorded here directly.
 * A second answer, or one for an attempt that already timed out, is 410 and changes nothing.
 */
export async function result(caller: Caller | undefined, id: string, answer: AgentResult) {
  const command = await liveCommand(caller, id, 'report the result of');
  if (command.type === 'cancel') {
    await commands.finish(id, 'done');
    return {};
  }
  if (!(await commands.finish(id, 'done'))) throw new CommandGoneError(id, `already ${command.status}`);
  const tail = answer.output_tail.slice(-4096);
  try {
    if (!command.token) throw Object.assign(new Error('no token'), { name: 'InvalidToken' });
    if (answer.status === 'completed') await completeTask(command.token, { status: 'completed', version: answer.version, output_tail: tail });
    else
      await failTask(
        command.token,
        answer.status === 'cancelled' ? 'AgentCancelled' : 'AgentFailed',
        JSON.stringify({ error_message: answer.error_message ?? answer.status, output_tail: tail }),
      );
  } catch (error) {
    if (!isDeadToken(error)) throw error;
    const op = await operations.getOperation(command.operation_id);
    if (op?.status !== 'cancelled') throw new CommandGoneError(id, 'no longer awaited (timed out)');
    logger.info('recording an answer the stopped workflow cannot take', { command: id, status: answer.status });
    await finishInstance(op, command.instance_id, answer.status, {
      error_message: answer.status === 'completed' ? null : (answer.error_message ?? 'cancelled by request'),
      output_tail: tail,
      ...(answer.status === 'completed' ? { current_version: answer.version } : {}),
    });
  }
  return {};
}
