import type { ExecutionStatus, HistoryEvent, HistoryEventType } from '@aws-sdk/client-sfn';
import type { ExecutionStore } from './store.js';

/** An in-process task handler: receives the task's payload, returns its result or throws a named error. */
export type TaskHandler = (payload: unknown) => Promise<unknown>;

/**
 * Binds a `${Placeholder}` of an ASL file (what CDK `DefinitionSubstitutions` would replace with an
 * ARN) to an in-process handler. For a service integration other than Lambda it receives the
 * resource ARN itself, e.g. `arn:aws:states:::events:putEvents`. `undefined` means "no such
 * function": the task fails with `Lambda.ResourceNotFoundException`, as it would in AWS.
 */
export type ResolveTask = (placeholder: string) => TaskHandler | undefined;

/** The details of a history event: exactly the `…EventDetails` members of the SDK's `HistoryEvent`. */
export type HistoryEventDetails = Omit<HistoryEvent, 'timestamp' | 'type' | 'id' | 'previousEventId'>;

/** A history event as stored: the AWS shape, with the timestamp as an ISO string so it survives JSON. */
export type StoredHistoryEvent = HistoryEventDetails & {
  id: number;
  previousEventId: number;
  timestamp: string;
  type: HistoryEventType;
};

/** One execution as the store keeps it. Input and output are JSON text, as the API carries them. */
export type StoredExecution = {
  executionArn: string;
  stateMachineArn: string;
  stateMachineName: string;
  name: string;
  status: ExecutionStatus;
  startDate: string;
  stopDate?: string;
  input: string;
  output?: string;
  error?: string;
  cause?: string;
  /** Set on the child executions of a Distributed Map. */
  parentExecutionArn?: string;
  mapRunArn?: string;
  history: StoredHistoryEvent[];
};

/** The EventBridge event Step Functions emits when an execution changes status, as a rule target receives it. */
export type ExecutionStatusChangeEvent = {
  version: '0';
  id: string;
  'detail-type': 'Step Functions Execution Status Change';
  source: 'aws.states';
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: {
    executionArn: string;
    stateMachineArn: string;
    name: string;
    status: ExecutionStatus;
    /** Milliseconds since the epoch, as in the AWS event. */
    startDate: number;
    stopDate: number | null;
    input: string;
    output: string | null;
    error: string | null;
    cause: string | null;
  };
};

export type WorkflowRunnerOptions = {
  /** State machine name → ASL (JSON text or parsed). See `loadStateMachineDefinitions`. */
  definitions: Readonly<Record<string, string | object>>;
  resolveTask: ResolveTask;
  /**
   * Values for the other `${Placeholders}` (event bus names, table names…), replaced in every string
   * of a definition except Task resources and Lambda `FunctionName`s, which `resolveTask` binds.
   * @default {}
   */
  substitutions?: Readonly<Record<string, string>>;
  /** @default a MemoryExecutionStore */
  store?: ExecutionStore;
  /** Called once for every execution that ends, child executions of a Distributed Map included. */
  onExecutionEnded?: (event: ExecutionStatusChangeEvent) => void | Promise<void>;
  /** @default 'us-east-1' */
  region?: string;
  /** @default '000000000000' */
  accountId?: string;
};
