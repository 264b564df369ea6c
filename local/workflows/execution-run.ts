import type { ExecutionStatus } from '@aws-sdk/client-sfn';
import { ExecutionAbortedError, ExecutionError, ExecutionTimeoutError } from 'aws-local-stepfunctions';
import type { ArnScope } from './arns.js';
import type { CompiledMachine } from './compile.js';
import type { ChildExecution, ChildStart } from './distributed-map.js';
import { createDistributedMapOverride } from './distributed-map.js';
import { ExecutionHistory } from './history.js';
import { parseJson } from './json.js';
import type { StateOverride } from './task-invoker.js';
import { createTaskOverride, TASK_TOKEN_PLACEHOLDER } from './task-invoker.js';
import type { TaskTokenRegistry } from './task-tokens.js';
import type { ContextObject } from './template.js';
import type { ResolveTask, StoredExecution } from './types.js';

export type ExecutionRunOptions = Readonly<{
  machine: CompiledMachine;
  /** The RUNNING record, with an empty history; the run fills it in. */
  record: StoredExecution;
  scope: ArnScope;
  roleArn: string;
  tokens: TaskTokenRegistry;
  resolveTask: ResolveTask;
  startChild: (parent: ExecutionRun, start: ChildStart) => ChildExecution;
}>;

type Outcome = Readonly<{ status: ExecutionStatus; output?: string; error?: string; cause?: string }>;

/** How long to wait for the library's event log to drain once the result is known. */
const LOG_DRAIN_MS = 1000;

/**
 * One running execution: runs the compiled machine in the library with this execution's task
 * overrides and context object, records its history, and settles `finished` with the final record
 * once it succeeds, fails, times out or is stopped.
 */
export class ExecutionRun {
  readonly record: StoredExecution;
  readonly finished: Promise<StoredExecution>;
  /** Set when the runner closes: the run is abandoned, nothing more is recorded. */
  detached = false;
  private readonly controller = new AbortController();
  private readonly mapRuns = new Map<string, number>();
  private stopRequest: { error: string | undefined; cause: string | undefined } | undefined;
  private abortLibrary: () => void = () => undefined;

  constructor(private readonly options: ExecutionRunOptions) {
    this.record = options.record;
    this.finished = this.execute();
  }

  /** StopExecution: aborts the run; it ends ABORTED with this error and cause. */
  stop(error: string | undefined, cause: string | undefined): void {
    if (this.stopRequest || this.controller.signal.aborted) return;
    this.stopRequest = { error, cause };
    this.abortLibrary();
  }

  /** Abandons the run without recording an end, as a process exit would. */
  detach(): void {
    this.detached = true;
    this.stop(undefined, undefined);
    this.controller.abort();
  }

  private async execute(): Promise<StoredExecution> {
    const { machine, record, roleArn } = this.options;
    const history = new ExecutionHistory(record.history, machine.stateTypes);
    history.add('ExecutionStarted', { executionStartedEventDetails: { input: record.input, inputDetails: { truncated: false }, roleArn } });
    const input = parseJson(record.input);
    const context: ContextObject = {
      // The library sets Execution.Input and Execution.StartTime itself.
      Execution: { Id: record.executionArn, Name: record.name, RoleArn: roleArn, StartTime: record.startDate },
      StateMachine: { Id: record.stateMachineArn, Name: machine.name },
      // The library cannot produce task tokens; each task attempt swaps this for a real one.
      Task: { Token: TASK_TOKEN_PLACEHOLDER },
    };
    // Starts a microtask later, so the runner has registered this run before any state runs.
    await Promise.resolve();
    const run = machine.library.run(input, { overrides: { taskResourceLocalHandlers: this.overrides(history, context) }, context });
    this.abortLibrary = run.abort;
    if (this.stopRequest) run.abort();
    const following = history.follow(run.eventLogs);

    let outcome: Outcome;
    try {
      outcome = { status: 'SUCCEEDED', output: JSON.stringify(await run.result) };
    } catch (error) {
      outcome = this.outcomeOf(error);
    }
    // Ends whatever still waits: task attempts and their timers, tokens, Map Runs and their children.
    this.controller.abort();
    this.options.tokens.closeExecution(record.executionArn);
    await Promise.race([following, new Promise((done) => setTimeout(done, LOG_DRAIN_MS).unref())]);
    if (this.detached) return record;

    record.status = outcome.status;
    record.stopDate = new Date().toISOString();
    if (outcome.output !== undefined) record.output = outcome.output;
    if (outcome.error !== undefined) record.error = outcome.error;
    if (outcome.cause !== undefined) record.cause = outcome.cause;
    const failure = { error: outcome.error, cause: outcome.cause };
    if (outcome.status === 'SUCCEEDED')
      history.add('ExecutionSucceeded', { executionSucceededEventDetails: { output: outcome.output, outputDetails: { truncated: false } } });
    else if (outcome.status === 'ABORTED') history.add('ExecutionAborted', { executionAbortedEventDetails: failure });
    else if (outcome.status === 'TIMED_OUT') history.add('ExecutionTimedOut', { executionTimedOutEventDetails: failure });
    else history.add('ExecutionFailed', { executionFailedEventDetails: failure });
    return record;
  }

  private overrides(history: ExecutionHistory, context: ContextObject): Record<string, StateOverride> {
    const { machine, record, scope, tokens, resolveTask } = this.options;
    const signal = this.controller.signal;
    const overrides: Record<string, StateOverride> = {};
    const taskRuntime = { executionArn: record.executionArn, scope, signal, history, tokens, resolveTask };
    for (const [name, spec] of machine.tasks) overrides[name] = createTaskOverride(spec, taskRuntime);
    const mapRuntime = {
      executionName: record.name,
      scope,
      signal,
      history,
      context,
      startChild: (start: ChildStart) => this.options.startChild(this, start),
      nextRun: (stateName: string) => {
        const run = (this.mapRuns.get(stateName) ?? 0) + 1;
        this.mapRuns.set(stateName, run);
        return run;
      },
    };
    for (const [name, spec] of machine.distributedMaps) overrides[name] = createDistributedMapOverride(spec, mapRuntime);
    return overrides;
  }

  private outcomeOf(error: unknown): Outcome {
    if (error instanceof ExecutionAbortedError) {
      return { status: 'ABORTED', ...definedOnly(this.stopRequest?.error, this.stopRequest?.cause) };
    }
    if (error instanceof ExecutionTimeoutError) {
      return { status: 'TIMED_OUT', error: 'States.Timeout', cause: 'The execution ran longer than the state machine TimeoutSeconds' };
    }
    const reason = error instanceof ExecutionError && error.cause instanceof Error ? error.cause : error;
    if (reason instanceof Error) return { status: 'FAILED', error: reason.name, cause: reason.message };
    return { status: 'FAILED', error: 'States.Runtime', cause: String(reason) };
  }
}

function definedOnly(error: string | undefined, cause: string | undefined): { error?: string; cause?: string } {
  return { ...(error === undefined ? {} : { error }), ...(cause === undefined ? {} : { cause }) };
}
