import { SFNClient } from '@aws-sdk/client-sfn';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { ExecutionStatusChangeEvent, ResolveTask, TaskHandler, WorkflowRunnerOptions } from '../../local/workflows/index.js';
import { createSfnServer, loadStateMachineDefinitions, WorkflowRunner } from '../../local/workflows/index.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/statemachines/', import.meta.url));
/** This suite's fixtures; the folder also holds other suites' files, which these tests must not depend on. */
const MACHINES = ['map-concurrency', 'retry-backoff', 'catch-error', 'task-timeout', 'task-token', 'distributed-map'];

/** The fixture state machines of this suite, loaded as the runtime loads `statemachines/`. */
export async function fixtureDefinitions(): Promise<Record<string, string>> {
  const all = await loadStateMachineDefinitions(FIXTURES);
  return Object.fromEntries(MACHINES.map((name) => [name, all[name] ?? '']));
}

/** Polls until `probe` returns something other than `undefined`/`false`, or fails after the deadline with the last error. */
export async function waitFor<T>(
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  { timeoutMs = 10_000, what = 'condition' } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`, { cause: lastError });
    await new Promise((next) => setTimeout(next, 20));
  }
}

/** An error with a name, as a task handler throws it for Retry and Catch to match. */
export function namedError(name: string, message: string): Error {
  const error = new Error(message);
  error.name = name;
  return error;
}

/** Binds `${XFunctionArn}` placeholders to `handlers.X`, as the project's task table does. */
export function resolveFrom(handlers: Readonly<Record<string, TaskHandler>>): ResolveTask {
  return (placeholder) => handlers[placeholder.replace(/FunctionArn$/, '')];
}

export type Harness = {
  runner: WorkflowRunner;
  /** The real SDK client, pointed at the runner over HTTP on a path, as the gateway will mount it. */
  sfn: SFNClient;
  ended: ExecutionStatusChangeEvent[];
  arnOf: (machine: string) => string;
  close: () => Promise<void>;
};

/** A runner over the fixtures, served on a free port, with every status change event collected. */
export async function startHarness(handlers: Readonly<Record<string, TaskHandler>>, options: Partial<WorkflowRunnerOptions> = {}): Promise<Harness> {
  const ended: ExecutionStatusChangeEvent[] = [];
  const runner = new WorkflowRunner({
    definitions: await fixtureDefinitions(),
    resolveTask: resolveFrom(handlers),
    substitutions: { OperationsTable: 'operations-table' },
    onExecutionEnded: (event) => {
      ended.push(event);
    },
    ...options,
  });
  const server = createSfnServer(runner);
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
  const { port } = server.address() as AddressInfo;
  const sfn = new SFNClient({
    endpoint: `http://127.0.0.1:${port}/local/sfn`,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
  return {
    runner,
    sfn,
    ended,
    arnOf: (machine) => runner.stateMachineArn(machine),
    close: async () => {
      sfn.destroy();
      await runner.close();
      await new Promise((closed) => server.close(closed));
    },
  };
}

/** Waits until an execution has ended and returns its description. */
export function waitForEnd(runner: WorkflowRunner, executionArn: string, timeoutMs = 10_000) {
  return waitFor(
    async () => {
      const execution = await runner.describeExecution({ executionArn });
      return execution.status === 'RUNNING' ? undefined : execution;
    },
    { timeoutMs, what: `${executionArn} to end` },
  );
}

/** The history's event types, in order. */
export async function historyTypes(runner: WorkflowRunner, executionArn: string): Promise<string[]> {
  const history = await runner.getExecutionHistory({ executionArn, maxResults: 1000 });
  return (history.events ?? []).map((event) => event.type ?? '');
}
