import type {
  DescribeExecutionInput,
  DescribeExecutionOutput,
  GetExecutionHistoryInput,
  GetExecutionHistoryOutput,
  ListExecutionsInput,
  ListExecutionsOutput,
  SendTaskFailureInput,
  SendTaskHeartbeatInput,
  SendTaskSuccessInput,
  StartExecutionInput,
  StartExecutionOutput,
  StopExecutionInput,
  StopExecutionOutput,
} from '@aws-sdk/client-sfn';
import { randomUUID } from 'node:crypto';
import { describeOutput, historyEvent, listItem, page } from './api-shapes.js';
import type { ArnScope } from './arns.js';
import { assertExecutionArn, executionArn, roleArn, stateMachineArn, stateMachineNameOf } from './arns.js';
import type { CompiledMachine } from './compile.js';
import { compileStateMachine } from './compile.js';
import { parseDefinition } from './definitions.js';
import type { ChildExecution, ChildStart } from './distributed-map.js';
import { ExecutionAlreadyExists, ExecutionDoesNotExist, StateMachineDoesNotExist, ValidationException } from './errors.js';
import { assertExecutionInput, assertExecutionName } from './execution-input.js';
import { ExecutionRun } from './execution-run.js';
import { ExecutionHistory } from './history.js';
import { statusChangeEvent } from './status-change-event.js';
import type { ExecutionStore } from './store.js';
import { MemoryExecutionStore } from './store.js';
import { TaskTokenRegistry } from './task-tokens.js';
import type { ResolveTask, StoredExecution, WorkflowRunnerOptions } from './types.js';

/** The error and cause `recover()` gives executions that were running when the runtime stopped. */
export const RECOVERY_ERROR = 'States.Runtime';
export const RECOVERY_CAUSE = 'local runtime restarted while the execution was running; the execution cannot be resumed';

/**
 * The local stand-in for Step Functions: runs the project's ASL with `aws-local-stepfunctions`,
 * binds Task states to in-process handlers, and adds what the library lacks (task tokens,
 * heartbeats, Distributed Map, execution records and history, name idempotency). Its methods take
 * and return the SDK's shapes; `handleSfnRequest` serves them over Step Functions' JSON protocol.
 */
export class WorkflowRunner {
  readonly region: string;
  readonly accountId: string;
  private readonly scope: ArnScope;
  private readonly machines = new Map<string, CompiledMachine>();
  private readonly resolveTask: ResolveTask;
  private readonly store: ExecutionStore;
  private readonly onExecutionEnded: WorkflowRunnerOptions['onExecutionEnded'];
  private readonly tokens = new TaskTokenRegistry();
  /** Every execution known, running or not: loaded from the store once, then kept up to date here. */
  private readonly executions = new Map<string, StoredExecution>();
  private readonly active = new Map<string, ExecutionRun>();
  private readonly writes = new Map<string, Promise<void>>();
  private loaded: Promise<void> | undefined;
  private closed = false;

  /** Compiles every definition at once, so a broken ASL file fails at startup (WorkflowDefinitionError). */
  constructor(options: WorkflowRunnerOptions) {
    this.region = options.region ?? 'us-east-1';
    this.accountId = options.accountId ?? '000000000000';
    this.scope = { region: this.region, accountId: this.accountId };
    this.resolveTask = options.resolveTask;
    this.store = options.store ?? new MemoryExecutionStore();
    this.onExecutionEnded = options.onExecutionEnded;
    for (const [name, source] of Object.entries(options.definitions)) {
      this.machines.set(name, compileStateMachine(name, parseDefinition(name, source), options.substitutions ?? {}));
    }
  }

  /** The ARN of a state machine of this runner, as CDK would output it. */
  stateMachineArn(name: string): string {
    if (!this.machines.has(name)) throw new StateMachineDoesNotExist(`State Machine Does Not Exist: '${name}'`);
    return stateMachineArn(this.scope, name);
  }

  /**
   * StartExecution. As in AWS, a name is taken for good: starting it again with the same input
   * while that execution runs returns it (idempotent retry); with another input, or once it has
   * ended, fails with ExecutionAlreadyExists. Also accepts a bare state machine name for the ARN.
   */
  async startExecution(request: StartExecutionInput): Promise<StartExecutionOutput> {
    await this.ready();
    if (this.closed) throw new Error('the workflow runner is closed');
    const machineName = this.machineNameOf(request.stateMachineArn);
    const machine = this.machines.get(machineName);
    if (!machine) throw new StateMachineDoesNotExist(`State Machine Does Not Exist: '${request.stateMachineArn}'`);
    const name = request.name ?? randomUUID();
    const input = request.input ?? '{}';
    assertExecutionName(name);
    assertExecutionInput(input);
    const arn = executionArn(this.scope, machineName, name);
    const existing = this.executions.get(arn);
    if (existing) {
      if (existing.status === 'RUNNING' && existing.input === input) return { executionArn: arn, startDate: new Date(existing.startDate) };
      throw new ExecutionAlreadyExists(`Execution Already Exists: '${arn}'`);
    }
    const run = this.launch(machine, arn, name, input, {});
    return { executionArn: arn, startDate: new Date(run.record.startDate) };
  }

  async describeExecution(request: DescribeExecutionInput): Promise<DescribeExecutionOutput> {
    return describeOutput(await this.recordOf(request.executionArn));
  }

  /** StopExecution: the execution ends ABORTED, its open task tokens stop working, its Map Runs stop. */
  async stopExecution(request: StopExecutionInput): Promise<StopExecutionOutput> {
    const record = await this.recordOf(request.executionArn);
    const run = this.active.get(record.executionArn);
    if (run) {
      run.stop(request.error, request.cause);
      await run.finished;
    }
    return { stopDate: new Date(record.stopDate ?? Date.now()) };
  }

  /** ListExecutions of a state machine or of a Map Run, newest first. */
  async listExecutions(request: ListExecutionsInput): Promise<ListExecutionsOutput> {
    await this.ready();
    const { stateMachineArn: machineArn, mapRunArn, statusFilter } = request;
    if (!machineArn && !mapRunArn) throw new ValidationException('Either stateMachineArn or mapRunArn must be given');
    if (machineArn && !this.machineNames().has(this.machineNameOf(machineArn)))
      throw new StateMachineDoesNotExist(`State Machine Does Not Exist: '${machineArn}'`);
    const machineName = machineArn ? this.machineNameOf(machineArn) : undefined;
    const matching = this.newestFirst().filter(
      (record) =>
        (machineName === undefined || record.stateMachineName === machineName) &&
        (mapRunArn === undefined || record.mapRunArn === mapRunArn) &&
        (statusFilter === undefined || record.status === statusFilter),
    );
    const { items, nextToken } = page(matching, request.maxResults, request.nextToken);
    return { executions: items.map(listItem), nextToken };
  }

  async getExecutionHistory(request: GetExecutionHistoryInput): Promise<GetExecutionHistoryOutput> {
    const record = await this.recordOf(request.executionArn);
    const events = request.reverseOrder ? [...record.history].reverse() : record.history;
    const { items, nextToken } = page(events, request.maxResults, request.nextToken);
    return { events: items.map(historyEvent), nextToken };
  }

  async sendTaskSuccess(request: SendTaskSuccessInput): Promise<Record<string, never>> {
    this.tokens.sendSuccess(request.taskToken ?? '', request.output ?? '');
    return {};
  }

  async sendTaskFailure(request: SendTaskFailureInput): Promise<Record<string, never>> {
    this.tokens.sendFailure(request.taskToken ?? '', request.error, request.cause);
    return {};
  }

  async sendTaskHeartbeat(request: SendTaskHeartbeatInput): Promise<Record<string, never>> {
    this.tokens.sendHeartbeat(request.taskToken ?? '');
    return {};
  }

  /**
   * Call once at startup. The library keeps an execution's state in memory, so an execution cut off
   * by a restart cannot be resumed where it stood; rather than let it look RUNNING forever, each one
   * the store still shows running is ended FAILED (States.Runtime) and reported to
   * `onExecutionEnded`, so domain code records the failure as it would any other. Returns their ARNs.
   */
  async recover(): Promise<string[]> {
    await this.ready();
    const recovered: string[] = [];
    for (const record of this.executions.values()) {
      if (record.status !== 'RUNNING' || this.active.has(record.executionArn)) continue;
      record.status = 'FAILED';
      record.stopDate = new Date().toISOString();
      record.error = RECOVERY_ERROR;
      record.cause = RECOVERY_CAUSE;
      new ExecutionHistory(record.history, new Map()).add('ExecutionFailed', { executionFailedEventDetails: { error: RECOVERY_ERROR, cause: RECOVERY_CAUSE } });
      recovered.push(record.executionArn);
    }
    await Promise.all(recovered.map((arn) => this.finish(arn)));
    return recovered;
  }

  /** Every execution with its history, newest first: the data behind the `/local/executions` views. */
  async storedExecutions(): Promise<readonly StoredExecution[]> {
    await this.ready();
    return this.newestFirst();
  }

  /** Abandons running executions without recording an end (as a process exit would) and waits for pending writes. */
  async close(): Promise<void> {
    this.closed = true;
    for (const run of this.active.values()) run.detach();
    this.active.clear();
    this.tokens.clear();
    await Promise.all(this.writes.values());
  }

  private launch(
    machine: CompiledMachine,
    arn: string,
    name: string,
    input: string,
    parent: { parentExecutionArn?: string; mapRunArn?: string },
  ): ExecutionRun {
    const record: StoredExecution = {
      executionArn: arn,
      stateMachineArn: stateMachineArn(this.scope, machine.name),
      stateMachineName: machine.name,
      name,
      status: 'RUNNING',
      startDate: new Date().toISOString(),
      input,
      ...parent,
      history: [],
    };
    this.executions.set(arn, record);
    const run = new ExecutionRun({
      machine,
      record,
      scope: this.scope,
      roleArn: roleArn(this.scope, machine.name),
      tokens: this.tokens,
      resolveTask: this.resolveTask,
      startChild: (parentRun, start) => this.startChild(parentRun, start),
    });
    this.active.set(arn, run);
    // Stored in the background: writes per execution are chained, and errors are logged there.
    void this.persist(record);
    void run.finished.then(async () => {
      if (run.detached) return;
      this.active.delete(arn);
      await this.finish(arn);
    });
    return run;
  }

  private startChild(parent: ExecutionRun, start: ChildStart): ChildExecution {
    const machine = start.spec.processor;
    const arn = executionArn(this.scope, machine.name, start.name);
    const run = this.launch(machine, arn, start.name, JSON.stringify(start.input), {
      parentExecutionArn: parent.record.executionArn,
      mapRunArn: start.mapRunArn,
    });
    return { executionArn: arn, finished: run.finished, stop: (error, cause) => run.stop(error, cause) };
  }

  /** Records an execution's end, then reports it: the status change event means "durably recorded". */
  private async finish(arn: string): Promise<void> {
    const record = this.executions.get(arn);
    if (!record) return;
    await this.persist(record);
    if (!this.onExecutionEnded) return;
    try {
      await this.onExecutionEnded(statusChangeEvent(record, this.scope));
    } catch (error) {
      console.error(`workflow runner: onExecutionEnded failed for ${arn}:`, error);
    }
  }

  /** Writes a snapshot, after any earlier write of the same execution (so an end never precedes its start). */
  private persist(record: StoredExecution): Promise<void> {
    const snapshot = structuredClone(record);
    const arn = record.executionArn;
    const write = (this.writes.get(arn) ?? Promise.resolve())
      .then(() => this.store.put(snapshot))
      .catch((error: unknown) => console.error(`workflow runner: could not store ${arn}:`, error));
    this.writes.set(arn, write);
    void write.then(() => {
      if (this.writes.get(arn) === write) this.writes.delete(arn);
    });
    return write;
  }

  private async recordOf(arn: string | undefined): Promise<StoredExecution> {
    await this.ready();
    assertExecutionArn(arn ?? '');
    const record = this.executions.get(arn ?? '');
    if (!record) throw new ExecutionDoesNotExist(`Execution Does Not Exist: '${arn}'`);
    return record;
  }

  private ready(): Promise<void> {
    this.loaded ??= this.store.list().then((records) => {
      for (const record of records) if (!this.executions.has(record.executionArn)) this.executions.set(record.executionArn, record);
    });
    return this.loaded;
  }

  private machineNameOf(arn: string | undefined): string {
    if (!arn) throw new ValidationException('stateMachineArn is required');
    return !arn.startsWith('arn:') && this.machines.has(arn) ? arn : stateMachineNameOf(arn);
  }

  /** Top-level machines and the child machines (`<machine>/<label>`) of their Distributed Maps. */
  private machineNames(): Set<string> {
    return new Set([...this.machines.keys(), ...[...this.executions.values()].map((record) => record.stateMachineName)]);
  }

  private newestFirst(): StoredExecution[] {
    // Reversed first so that executions started in the same millisecond also list newest first.
    return [...this.executions.values()].reverse().sort((a, b) => b.startDate.localeCompare(a.startDate));
  }
}
