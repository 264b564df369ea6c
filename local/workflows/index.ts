/**
 * The local workflow runner: the project's ASL files run in-process, with Step Functions' API
 * (in process and over its JSON protocol), task tokens, Distributed Map and execution records.
 */
export { loadStateMachineDefinitions } from './definitions.js';
export {
  ExecutionAlreadyExists,
  ExecutionDoesNotExist,
  InvalidArn,
  InvalidExecutionInput,
  InvalidName,
  InvalidOutput,
  InvalidToken,
  SfnApiError,
  StateMachineDoesNotExist,
  TaskTimedOut,
  ValidationException,
  WorkflowDefinitionError,
} from './errors.js';
export { FileExecutionStore } from './file-store.js';
export { RECOVERY_CAUSE, RECOVERY_ERROR, WorkflowRunner } from './runner.js';
export type { SfnResponse } from './sfn-protocol.js';
export { handleSfnRequest } from './sfn-protocol.js';
export { createSfnServer } from './sfn-server.js';
export type { ExecutionStore } from './store.js';
export { MemoryExecutionStore } from './store.js';
export type { ExecutionStatusChangeEvent, ResolveTask, StoredExecution, StoredHistoryEvent, TaskHandler, WorkflowRunnerOptions } from './types.js';
export type { ExecutionDetailView, ExecutionSummaryView } from './views.js';
export { executionView, listExecutionsView } from './views.js';
