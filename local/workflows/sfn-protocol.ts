import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { SfnApiError } from './errors.js';
import type { WorkflowRunner } from './runner.js';

/** A response of the Step Functions JSON protocol, ready for any HTTP server. */
export type SfnResponse = { statusCode: number; headers: Record<string, string>; body: string };

const Arn = z.string().min(1).max(2048);
const Token = z.string().min(1).max(1024);

/** One schema per action: the request bodies the SDK sends (fields the runner does not use are ignored). */
const SCHEMAS = {
  StartExecution: z.object({ stateMachineArn: Arn, name: z.string().optional(), input: z.string().optional(), traceHeader: z.string().optional() }),
  DescribeExecution: z.object({ executionArn: Arn, includedData: z.enum(['ALL_DATA', 'METADATA_ONLY']).optional() }),
  StopExecution: z.object({ executionArn: Arn, error: z.string().max(256).optional(), cause: z.string().max(32_768).optional() }),
  ListExecutions: z.object({
    stateMachineArn: Arn.optional(),
    mapRunArn: Arn.optional(),
    statusFilter: z.enum(['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED', 'PENDING_REDRIVE']).optional(),
    maxResults: z.number().int().optional(),
    nextToken: z.string().optional(),
  }),
  GetExecutionHistory: z.object({
    executionArn: Arn,
    maxResults: z.number().int().optional(),
    reverseOrder: z.boolean().optional(),
    nextToken: z.string().optional(),
    includeExecutionData: z.boolean().optional(),
  }),
  SendTaskSuccess: z.object({ taskToken: Token, output: z.string() }),
  SendTaskFailure: z.object({ taskToken: Token, error: z.string().max(256).optional(), cause: z.string().max(32_768).optional() }),
  SendTaskHeartbeat: z.object({ taskToken: Token }),
};

type ActionName = keyof typeof SCHEMAS;

const TARGET_PREFIX = 'AWSStepFunctions.';

function isAction(name: string): name is ActionName {
  return Object.hasOwn(SCHEMAS, name);
}

/**
 * Serves one request of the Step Functions JSON 1.0 protocol: `target` is the `X-Amz-Target`
 * header (`AWSStepFunctions.StartExecution`…), `body` the JSON body. Independent of the request
 * path: the SDK posts to the endpoint's path plus `/` (an endpoint of `http://host:port/local/sfn`
 * posts to `/local/sfn/`). Errors come back as AWS's `{"__type","message"}` with status 400, which
 * `@aws-sdk/client-sfn` turns into its named exceptions (ExecutionAlreadyExists, TaskTimedOut…).
 */
export async function handleSfnRequest(runner: WorkflowRunner, target: string, body: string): Promise<SfnResponse> {
  const action = target.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : '';
  if (!isAction(action)) return errorResponse(400, 'UnknownOperationException', `Unknown operation ${target}`);
  let json: unknown;
  try {
    json = body.trim() === '' ? {} : JSON.parse(body);
  } catch {
    return errorResponse(400, 'SerializationException', 'The request body is not valid JSON');
  }
  try {
    return respond(200, await dispatch(runner, action, json));
  } catch (error) {
    if (error instanceof z.ZodError) {
      const issue = error.issues[0];
      return errorResponse(400, 'ValidationException', `${issue?.path.join('.') || 'request'}: ${issue?.message ?? 'invalid'}`);
    }
    if (error instanceof SfnApiError) return errorResponse(error.statusCode, error.name, error.message);
    console.error(`sfn ${action} failed:`, error);
    return errorResponse(500, 'InternalFailure', 'The request processing has failed because of an unknown error');
  }
}

function dispatch(runner: WorkflowRunner, action: ActionName, json: unknown): Promise<unknown> {
  switch (action) {
    case 'StartExecution':
      return runner.startExecution(SCHEMAS.StartExecution.parse(json));
    case 'DescribeExecution':
      return runner.describeExecution(SCHEMAS.DescribeExecution.parse(json));
    case 'StopExecution':
      return runner.stopExecution(SCHEMAS.StopExecution.parse(json));
    case 'ListExecutions':
      return runner.listExecutions(SCHEMAS.ListExecutions.parse(json));
    case 'GetExecutionHistory':
      return runner.getExecutionHistory(SCHEMAS.GetExecutionHistory.parse(json));
    case 'SendTaskSuccess':
      return runner.sendTaskSuccess(SCHEMAS.SendTaskSuccess.parse(json));
    case 'SendTaskFailure':
      return runner.sendTaskFailure(SCHEMAS.SendTaskFailure.parse(json));
    case 'SendTaskHeartbeat':
      return runner.sendTaskHeartbeat(SCHEMAS.SendTaskHeartbeat.parse(json));
  }
}

function respond(statusCode: number, payload: unknown): SfnResponse {
  return {
    statusCode,
    headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': randomUUID() },
    body: JSON.stringify(toWire(payload)),
  };
}

function errorResponse(statusCode: number, type: string, message: string): SfnResponse {
  return respond(statusCode, { __type: type, message });
}

/** The protocol's timestamps are epoch seconds (fractional), not ISO strings. */
function toWire(value: unknown): unknown {
  if (value instanceof Date) return value.getTime() / 1000;
  if (Array.isArray(value)) return value.map(toWire);
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, toWire(item)]));
  return value;
}
