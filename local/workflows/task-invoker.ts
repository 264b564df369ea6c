import type { ArnScope } from './arns.js';
import type { TaskSpec } from './compile.js';
import { DEFAULT_TASK_TIMEOUT_SECONDS } from './compile.js';
import { placeholderName } from './definitions.js';
import { ExecutionStopped, StatesRuntimeError, TaskFailure } from './errors.js';
import type { ExecutionHistory } from './history.js';
import type { JsonValue } from './json.js';
import { isJsonObject, replaceInStrings, toJson } from './json.js';
import { lambdaInvokeResult } from './lambda-response.js';
import { taskEvents } from './task-events.js';
import type { TaskTokenRegistry } from './task-tokens.js';
import type { ResolveTask, TaskHandler } from './types.js';

/**
 * What `$$.Task.Token` resolves to inside the library (the runner puts it in the context object);
 * each task attempt replaces it with a freshly issued token before calling the handler.
 */
export const TASK_TOKEN_PLACEHOLDER = '__local-sfn-task-token__';

/** What a task needs from the execution it runs in. */
export type TaskRuntime = Readonly<{
  executionArn: string;
  scope: ArnScope;
  /** Aborted when the execution ends: stopped, timed out, failed elsewhere, or the runner closes. */
  signal: AbortSignal;
  history: ExecutionHistory;
  tokens: TaskTokenRegistry;
  resolveTask: ResolveTask;
}>;

/** A library override: the library calls it with the Task's effective input, once per attempt. */
export type StateOverride = (input: JsonValue) => Promise<JsonValue>;

/** The override that runs one Task state of one execution. */
export function createTaskOverride(spec: TaskSpec, runtime: TaskRuntime): StateOverride {
  return (input) => runAttempt(spec, runtime, input);
}

function runAttempt(spec: TaskSpec, rt: TaskRuntime, input: JsonValue): Promise<JsonValue> {
  const { promise, resolve, reject } = Promise.withResolvers<JsonValue>();
  if (rt.signal.aborted) {
    reject(new ExecutionStopped('the execution is over'));
    return promise;
  }
  // compile.ts wrapped the effective input: { parameters, timeoutSeconds?, heartbeatSeconds? }.
  const wrapped = isJsonObject(input) ? input : {};
  const timeoutSeconds = positive(wrapped.timeoutSeconds) ?? spec.timeoutSeconds ?? DEFAULT_TASK_TIMEOUT_SECONDS;
  const heartbeatSeconds = positive(wrapped.heartbeatSeconds) ?? spec.heartbeatSeconds;
  const events = taskEvents(spec, rt.history, rt.scope);
  let open = true;
  let token: string | undefined;
  let heartbeatTimer: NodeJS.Timeout | undefined;

  const end = (): boolean => {
    if (!open) return false;
    open = false;
    clearTimeout(timeoutTimer);
    clearTimeout(heartbeatTimer);
    rt.signal.removeEventListener('abort', onAbort);
    if (token !== undefined) rt.tokens.close(token);
    return true;
  };
  const succeed = (result: JsonValue): void => {
    if (!end()) return;
    events.succeeded(JSON.stringify(result));
    resolve(result);
  };
  const fail = (error: Error): void => {
    if (!end()) return;
    events.failed(error.name, error.message);
    reject(error);
  };
  // Created before the library's own timer of the same length, so it fires first: the token is
  // closed before the library fails the state with its States.Timeout error, which (unlike any
  // error an override can throw) Retry and Catch keep apart from States.TaskFailed.
  const timeoutTimer = setTimeout(() => {
    if (!end()) return;
    const cause = `The task did not finish within ${timeoutSeconds} seconds`;
    events.timedOut('States.Timeout', cause);
    // Only a safety net: the library's timer has settled the state by then, so this is ignored.
    setTimeout(() => reject(new TaskFailure('States.Timeout', cause)), 1000).unref();
  }, timeoutSeconds * 1000);
  const heartbeat = (): void => {
    if (heartbeatSeconds === undefined || !open) return;
    clearTimeout(heartbeatTimer);
    heartbeatTimer = setTimeout(() => {
      if (!end()) return;
      const cause = `No heartbeat within ${heartbeatSeconds} seconds`;
      events.timedOut('States.HeartbeatTimeout', cause);
      reject(new TaskFailure('States.HeartbeatTimeout', cause));
    }, heartbeatSeconds * 1000);
  };
  const onAbort = (): void => {
    if (end()) reject(new ExecutionStopped('the execution is over'));
  };
  rt.signal.addEventListener('abort', onAbort, { once: true });
  heartbeat();

  const invoke = async (): Promise<void> => {
    // The library logs "state entered" just before calling the override but hands its log out
    // through promise callbacks; one turn of the event loop lets the history record it first.
    await new Promise((next) => setImmediate(next));
    if (!open) return;
    let parameters = wrapped.parameters ?? null;
    if (spec.waitForTaskToken) {
      token = rt.tokens.issue({
        executionArn: rt.executionArn,
        succeed,
        fail: (error, cause) => fail(new TaskFailure(error, cause)),
        heartbeat,
      });
      parameters = replaceInStrings(parameters, TASK_TOKEN_PLACEHOLDER, token);
    }
    events.scheduled(JSON.stringify(parameters), timeoutSeconds, heartbeatSeconds);
    const target = targetOf(spec, parameters, rt.resolveTask);
    if (target instanceof Error) return fail(target);
    events.started();
    let returned: JsonValue;
    try {
      returned = toJson(await target.handler(toJson(target.payload)));
    } catch (error) {
      // As Lambda reports a function error: the error's name is what Retry and Catch match.
      return fail(error instanceof Error ? new TaskFailure(error.name, error.message) : new TaskFailure('Error', String(error)));
    }
    if (!open) return; // timed out or stopped meanwhile: a late result is dropped, as in AWS
    const result = spec.integration === 'lambda-invoke' ? lambdaInvokeResult(returned) : returned;
    if (spec.waitForTaskToken) events.submitted(JSON.stringify(result));
    else succeed(result);
  };
  void invoke();
  return promise;
}

function targetOf(spec: TaskSpec, parameters: JsonValue, resolveTask: ResolveTask): { handler: TaskHandler; payload: JsonValue } | Error {
  if (spec.integration === 'lambda-invoke') {
    const functionName = isJsonObject(parameters) ? parameters.FunctionName : undefined;
    if (typeof functionName !== 'string') return new StatesRuntimeError(`Task ${spec.stateName}: lambda:invoke needs Parameters.FunctionName`);
    const handler = resolveTask(placeholderName(functionName));
    if (!handler) return new TaskFailure('Lambda.ResourceNotFoundException', `Function not found: ${functionName}`);
    return { handler, payload: isJsonObject(parameters) ? (parameters.Payload ?? {}) : {} };
  }
  if (spec.integration === 'lambda-function') {
    const handler = resolveTask(placeholderName(spec.resource));
    if (!handler) return new TaskFailure('Lambda.ResourceNotFoundException', `Function not found: ${spec.resource}`);
    return { handler, payload: parameters };
  }
  const resource = spec.resource.replace(/\.waitForTaskToken$/, '');
  const handler = resolveTask(resource);
  if (!handler) return new StatesRuntimeError(`Task ${spec.stateName}: no local handler for ${resource}`);
  return { handler, payload: parameters };
}

function positive(value: JsonValue | undefined): number | undefined {
  return typeof value === 'number' && value > 0 ? value : undefined;
}
