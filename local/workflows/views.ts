import type { ExecutionStatus } from '@aws-sdk/client-sfn';
import type { JsonValue } from './json.js';
import { parseJson } from './json.js';
import type { WorkflowRunner } from './runner.js';
import type { StoredExecution, StoredHistoryEvent } from './types.js';

/** One line of `GET /local/executions`. */
export type ExecutionSummaryView = {
  name: string;
  stateMachine: string;
  executionArn: string;
  status: ExecutionStatus;
  startDate: string;
  stopDate: string | null;
  /** Set on the child executions of a Distributed Map. */
  parentExecutionArn: string | null;
};

/** `GET /local/executions/{name}`: the execution with its data and its whole history. */
export type ExecutionDetailView = ExecutionSummaryView & {
  input: JsonValue;
  output: JsonValue | null;
  error: string | null;
  cause: string | null;
  /** Names of the child executions its Distributed Maps started, in start order. */
  children: string[];
  history: StoredHistoryEvent[];
};

/**
 * The executions the runner knows, newest first, for `GET /local/executions`. The child
 * executions of Distributed Maps are left out unless asked for: a fleet run has thousands.
 */
export async function listExecutionsView(runner: WorkflowRunner, options: { includeChildren?: boolean } = {}): Promise<{ executions: ExecutionSummaryView[] }> {
  const records = await runner.storedExecutions();
  return { executions: records.filter((record) => options.includeChildren || !record.parentExecutionArn).map(summaryOf) };
}

/**
 * One execution by name, for `GET /local/executions/{name}` (names are the operation ids). If
 * several state machines used the name, the newest execution wins. `undefined` when there is none.
 */
export async function executionView(runner: WorkflowRunner, name: string): Promise<ExecutionDetailView | undefined> {
  const records = await runner.storedExecutions();
  const record = records.find((candidate) => candidate.name === name);
  if (!record) return undefined;
  const children = records
    .filter((candidate) => candidate.parentExecutionArn === record.executionArn)
    .reverse()
    .map((child) => child.name);
  return {
    ...summaryOf(record),
    input: parseJson(record.input),
    output: record.output === undefined ? null : parseJson(record.output),
    error: record.error ?? null,
    cause: record.cause ?? null,
    children,
    history: record.history,
  };
}

function summaryOf(record: StoredExecution): ExecutionSummaryView {
  return {
    name: record.name,
    stateMachine: record.stateMachineName,
    executionArn: record.executionArn,
    status: record.status,
    startDate: record.startDate,
    stopDate: record.stopDate ?? null,
    parentExecutionArn: record.parentExecutionArn ?? null,
  };
}
