/**
 * Errors of the local workflow runner. The API errors carry the AWS error code as `name`: the JSON
 * protocol sends it as `__type`, and the real `@aws-sdk/client-sfn` turns it into its exception class
 * of the same name, so code written against AWS catches the same exceptions locally.
 */

/** Base of the errors the Step Functions API returns to callers (HTTP 400). */
export class SfnApiError extends Error {
  override name = 'SfnApiError';
  readonly statusCode: number = 400;
}

export class ExecutionAlreadyExists extends SfnApiError {
  override name = 'ExecutionAlreadyExists';
}

export class ExecutionDoesNotExist extends SfnApiError {
  override name = 'ExecutionDoesNotExist';
}

export class StateMachineDoesNotExist extends SfnApiError {
  override name = 'StateMachineDoesNotExist';
}

export class InvalidArn extends SfnApiError {
  override name = 'InvalidArn';
}

export class InvalidName extends SfnApiError {
  override name = 'InvalidName';
}

export class InvalidExecutionInput extends SfnApiError {
  override name = 'InvalidExecutionInput';
}

export class InvalidOutput extends SfnApiError {
  override name = 'InvalidOutput';
}

/** The token was never issued here (or is malformed). */
export class InvalidToken extends SfnApiError {
  override name = 'InvalidToken';
}

/** The token was issued but its task is over: it timed out, was answered, or its execution ended. */
export class TaskTimedOut extends SfnApiError {
  override name = 'TaskTimedOut';
}

/** A request the protocol layer cannot accept (missing field, wrong type). */
export class ValidationException extends SfnApiError {
  override name = 'ValidationException';
}

/** A state machine definition the runner cannot run; thrown when the runner is built. */
export class WorkflowDefinitionError extends Error {
  override name = 'WorkflowDefinitionError';
  constructor(stateMachine: string, message: string, options?: { cause?: unknown }) {
    super(`state machine ${stateMachine}: ${message}`, options);
  }
}

/**
 * A failed task as Step Functions sees it: `name` is the error that Retry and Catch match and
 * `message` the cause. A Lambda handler that throws `err` fails its task with `err.name` and
 * `err.message`; SendTaskFailure fails it with the caller's error and cause.
 */
export class TaskFailure extends Error {
  constructor(error: string, cause: string) {
    super(cause);
    this.name = error;
  }
}

/**
 * Thrown into a task that is still running when its execution is stopped, timed out or the runner
 * closes. The library reads `isRetryable`/`isCatchable` (as on its own `States.Runtime`), so no
 * Retry or Catch runs more states of an execution that is already over.
 */
export class ExecutionStopped extends Error {
  override name = 'States.Runtime';
  get isRetryable(): boolean {
    return false;
  }
  get isCatchable(): boolean {
    return false;
  }
}

/** An error of the runtime itself (bad input to a Map, a path that selects nothing): not catchable, as in AWS. */
export class StatesRuntimeError extends ExecutionStopped {}
