import type { Dispatcher } from 'undici';
import type { AgentApi } from './agent-api.js';
import { sleep } from './backoff.js';
import { CommandInterruptedError, describeCause, type InterruptReason } from './errors.js';
import type { Logger } from './logger.js';
import { OutputTail } from './output-tail.js';
import type { Command, CommandResult } from './protocol.js';
import type { ResultOutbox } from './result-outbox.js';
import { type WorkPaths, readCurrentVersion } from './releases.js';
import { runReleaseCommand } from './run-release-command.js';
import type { StateStore } from './state-store.js';

export type CommandRunnerDeps = {
  store: StateStore;
  api: AgentApi;
  outbox: ResultOutbox;
  paths: WorkPaths;
  dispatcher: Dispatcher;
  logger: Logger;
  fallbackVersion: string;
  keep: number;
  /** Told the version and health after every command, for heartbeats. */
  onFinished(result: CommandResult, versionBefore: string): void;
};

type Active = { command: Command; controller: AbortController; output: OutputTail; step: string };

/**
 * Runs deploy and rollback commands one at a time, in arrival order. The queue and the command in
 * flight live in `state.json`; every command ends with a pending result handed to the outbox.
 */
export class CommandRunner {
  private active: Active | null = null;
  private wakeUp: (() => void) | null = null;
  private stopping = false;
  private running: Promise<void> | null = null;

  constructor(private readonly deps: CommandRunnerDeps) {}

  start(): void {
    this.running ??= this.loop();
  }

  /** True when the command was seen before (queued, running or answered): a redelivery. */
  knows(commandId: string): boolean {
    const state = this.deps.store.get();
    return (
      this.active?.command.command_id === commandId ||
      state.queued.some((command) => command.command_id === commandId) ||
      state.pending_results.some((result) => result.command_id === commandId) ||
      state.recent_command_ids.includes(commandId)
    );
  }

  /** Queues a deploy or rollback. */
  async enqueue(command: Command): Promise<void> {
    if (this.stopping) return;
    await this.deps.store.update((state) => {
      state.queued.push(command);
    });
    this.deps.logger.info('command.queued', {
      command_id: command.command_id,
      type: command.type,
      version: command.version,
      operation_id: command.operation_id,
      queue_length: this.deps.store.get().queued.length,
    });
    this.wakeUp?.();
  }

  /**
   * Cancels `target_command_id` (or, without one, whatever belongs to the cancel's operation): the
   * running command stops at its next safe point; a queued one is answered `cancelled` at once.
   */
  async cancel(cancel: Command): Promise<void> {
    const matches = (command: Command) =>
      cancel.target_command_id ? command.command_id === cancel.target_command_id : cancel.operation_id !== '' && command.operation_id === cancel.operation_id;
    const message = `cancelled by command ${cancel.command_id}`;
    const version = await this.currentVersion();
    const notes: string[] = [];
    if (this.active && matches(this.active.command)) {
      this.deps.logger.info('command.cancelling', { command_id: this.active.command.command_id, cancel_command_id: cancel.command_id, step: this.active.step });
      notes.push(`interrupting ${this.active.command.command_id} (step ${this.active.step})`);
      this.interrupt({ kind: 'cancelled', message });
    }
    for (const command of this.deps.store.get().queued.filter(matches)) {
      notes.push(`cancelled queued ${command.command_id}`);
      await this.finish(command, { status: 'cancelled', version, error_message: message, output_tail: '' });
    }
    if (notes.length === 0) {
      this.deps.logger.info('command.cancel_ignored', { cancel_command_id: cancel.command_id, target_command_id: cancel.target_command_id ?? null });
      notes.push('nothing to cancel: the target is unknown or already finished');
    }
    // The cancel command itself is answered at once, so the API can close it; the target gets its own result.
    await this.finish(cancel, { status: 'completed', version, error_message: null, output_tail: `${notes.join('\n')}\n` });
  }

  /** Interrupts the running command, answers the queued ones `failed`, and waits for the loop to end. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.interrupt({ kind: 'agent_stopping', message: 'agent stopped while the command was running' });
    this.wakeUp?.();
    await this.running;
    const version = await this.currentVersion();
    for (const command of this.deps.store.get().queued) {
      await this.finish(command, { status: 'failed', version, error_message: 'agent stopped before the command started', output_tail: '' });
    }
  }

  private interrupt(reason: InterruptReason): void {
    this.active?.controller.abort(new CommandInterruptedError(reason));
  }

  private async loop(): Promise<void> {
    while (!this.stopping) {
      const next = this.deps.store.get().queued[0];
      if (!next) {
        await new Promise<void>((resolve) => (this.wakeUp = resolve));
        this.wakeUp = null;
        continue;
      }
      try {
        await this.run(next);
      } catch (error) {
        // Only state.json writes get here (disk full, read-only): log, and try again shortly.
        this.deps.logger.error('runner.error', { command_id: next.command_id, error: describeCause(error) });
        this.active = null;
        await sleep(1000);
      }
    }
  }

  private async run(command: Command): Promise<void> {
    const { store, logger } = this.deps;
    const active: Active = { command, controller: new AbortController(), output: new OutputTail(), step: 'starting' };
    this.active = active;
    const versionBefore = await this.currentVersion();
    await store.update((state) => {
      state.queued = state.queued.filter((queued) => queued.command_id !== command.command_id);
      state.in_flight = { command, started_at: new Date().toISOString(), previous_version: versionBefore, step: active.step };
    });
    logger.info('command.started', {
      command_id: command.command_id,
      type: command.type,
      version: command.version,
      operation_id: command.operation_id,
      from_version: versionBefore,
    });

    const stopReporting = this.reportProgress(active);
    const timeout = setTimeout(() => {
      active.controller.abort(new CommandInterruptedError({ kind: 'timed_out', message: `command timed out after ${command.timeout_seconds} s` }));
    }, command.timeout_seconds * 1000);
    let result: CommandResult;
    try {
      result = await runReleaseCommand({
        command,
        paths: this.deps.paths,
        store,
        dispatcher: this.deps.dispatcher,
        logger: logger,
        output: active.output,
        signal: active.controller.signal,
        setStep: (step) => {
          active.step = step;
          store
            .update((state) => {
              if (state.in_flight) state.in_flight.step = step;
            })
            .catch((error: unknown) => logger.warn('state.write_failed', { error: describeCause(error) }));
        },
        fallbackVersion: this.deps.fallbackVersion,
        keep: this.deps.keep,
      });
    } catch (error) {
      // runReleaseCommand answers every expected failure itself; this is a bug or a disk failure.
      result = {
        status: 'failed',
        version: await this.currentVersion(),
        error_message: `agent error: ${describeCause(error)}`,
        output_tail: active.output.toString(),
      };
    } finally {
      clearTimeout(timeout);
      stopReporting();
    }
    this.active = null;
    await this.finish(command, result);
    logger.info(`command.finished`, { command_id: command.command_id, status: result.status, version: result.version, error_message: result.error_message });
    this.deps.onFinished(result, versionBefore);
  }

  /** Sends progress now and every `progress_interval_seconds`; a 409/410 answer interrupts the command. */
  private reportProgress(active: Active): () => void {
    const { command } = active;
    let sending = false;
    const send = async () => {
      if (sending || active.controller.signal.aborted) return;
      sending = true;
      const outcome = await this.deps.api.progress(
        command.command_id,
        { message: `${command.type} ${command.version}: ${active.step}`, output_tail: active.output.toString() },
        active.controller.signal,
      );
      sending = false;
      if (outcome === 'gone') {
        this.deps.logger.warn('command.not_wanted', { command_id: command.command_id, step: active.step });
        active.controller.abort(new CommandInterruptedError({ kind: 'abandoned', message: 'the API no longer wants this command (cancelled or timed out)' }));
      }
    };
    void send();
    const timer = setInterval(() => void send(), command.progress_interval_seconds * 1000);
    return () => clearInterval(timer);
  }

  /** Answers a command that could not be parsed `failed`, so the API is not left waiting. */
  async reject(commandId: string, operationId: string, message: string): Promise<void> {
    await this.finish(
      { command_id: commandId, operation_id: operationId },
      { status: 'failed', version: await this.currentVersion(), error_message: message, output_tail: '' },
    );
  }

  private async finish(command: Pick<Command, 'command_id' | 'operation_id'>, result: CommandResult): Promise<void> {
    await this.deps.store.update((state) => {
      state.queued = state.queued.filter((queued) => queued.command_id !== command.command_id);
      if (state.in_flight?.command.command_id === command.command_id) state.in_flight = null;
      state.pending_results.push({ command_id: command.command_id, operation_id: command.operation_id, result, finished_at: new Date().toISOString() });
      state.recent_command_ids.push(command.command_id);
    });
    this.deps.outbox.wake();
  }

  private async currentVersion(): Promise<string> {
    return (await readCurrentVersion(this.deps.paths)) ?? this.deps.fallbackVersion;
  }
}
