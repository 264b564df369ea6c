import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';

const ignore = () => undefined;
/** Function names by handler entry, made once per entry rather than per invocation. */
const names = new Map<string, string>();

/** The Lambda context object the local cloud hands to a handler it invokes in-process. */
export function lambdaContext(entry: string, timeoutMs: number): Context {
  const deadline = Date.now() + timeoutMs;
  let name = names.get(entry);
  if (name === undefined) {
    name = `local-${entry.replace(/\//g, '-')}`;
    names.set(entry, name);
  }
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: name,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:000000000000:function:${name}`,
    memoryLimitInMB: '1024',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${name}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: ignore,
    fail: ignore,
    succeed: ignore,
  };
}
