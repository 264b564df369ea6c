import type { ArnScope } from './arns.js';
import type { TaskSpec } from './compile.js';
import { placeholderName } from './definitions.js';
import type { ExecutionHistory } from './history.js';

/** The history events of one task attempt, named and shaped as AWS records them for its kind of resource. */
export type TaskEvents = Readonly<{
  scheduled: (parameters: string, timeoutSeconds: number, heartbeatSeconds: number | undefined) => void;
  started: () => void;
  submitted: (output: string) => void;
  succeeded: (output: string) => void;
  failed: (error: string, cause: string) => void;
  timedOut: (error: string, cause: string) => void;
}>;

/**
 * A Task whose Resource is a function ARN is recorded as `LambdaFunction…` events; every other
 * Task (`lambda:invoke`, other integrations, `.waitForTaskToken`) as `Task…` events with the
 * integration's resource type and name, e.g. `lambda` / `invoke.waitForTaskToken`.
 */
export function taskEvents(spec: TaskSpec, history: ExecutionHistory, scope: ArnScope): TaskEvents {
  if (spec.integration === 'lambda-function') {
    const resource = spec.resource.startsWith('arn:')
      ? spec.resource
      : `arn:aws:lambda:${scope.region}:${scope.accountId}:function:${placeholderName(spec.resource)}`;
    return {
      scheduled: (input, timeoutInSeconds) =>
        history.add('LambdaFunctionScheduled', { lambdaFunctionScheduledEventDetails: { resource, input, timeoutInSeconds } }),
      started: () => history.add('LambdaFunctionStarted'),
      submitted: () => undefined,
      succeeded: (output) => history.add('LambdaFunctionSucceeded', { lambdaFunctionSucceededEventDetails: { output } }),
      failed: (error, cause) => history.add('LambdaFunctionFailed', { lambdaFunctionFailedEventDetails: { error, cause } }),
      timedOut: (error, cause) => history.add('LambdaFunctionTimedOut', { lambdaFunctionTimedOutEventDetails: { error, cause } }),
    };
  }
  const [resourceType, resource] = splitServiceResource(spec.resource);
  const ids = { resourceType, resource };
  return {
    scheduled: (parameters, timeoutInSeconds, heartbeatInSeconds) =>
      history.add('TaskScheduled', { taskScheduledEventDetails: { ...ids, region: scope.region, parameters, timeoutInSeconds, heartbeatInSeconds } }),
    started: () => history.add('TaskStarted', { taskStartedEventDetails: ids }),
    submitted: (output) => history.add('TaskSubmitted', { taskSubmittedEventDetails: { ...ids, output } }),
    succeeded: (output) => history.add('TaskSucceeded', { taskSucceededEventDetails: { ...ids, output } }),
    failed: (error, cause) => history.add('TaskFailed', { taskFailedEventDetails: { ...ids, error, cause } }),
    timedOut: (error, cause) => history.add('TaskTimedOut', { taskTimedOutEventDetails: { ...ids, error, cause } }),
  };
}

/** `arn:aws:states:::lambda:invoke.waitForTaskToken` → [`lambda`, `invoke.waitForTaskToken`]. */
function splitServiceResource(resource: string): [string, string] {
  const match = /^arn:aws[\w-]*:states:[^:]*:[^:]*:([^:]+):(.+)$/.exec(resource);
  return match?.[1] && match[2] ? [match[1], match[2]] : ['local', resource];
}
