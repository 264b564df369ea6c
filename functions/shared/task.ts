import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Context } from 'aws-lambda';
import type * as z from 'zod';
import { logger, tracingMiddlewares } from './observability.js';

/**
 * Error names every task may throw, as the state machines' Retry and Catch match them: input that
 * can never succeed is not retried; a store that is busy or briefly away is.
 */
export const TASK_ERRORS = {
  InvalidTaskInput: 'InvalidTaskInput',
  StoreUnavailable: 'StoreUnavailable',
} as const;
export type TaskErrorName = (typeof TASK_ERRORS)[keyof typeof TASK_ERRORS];

/** A task input that fails its schema: a bug in the state machine, not worth retrying. */
export class InvalidTaskInputError extends Error {
  override name = TASK_ERRORS.InvalidTaskInput;
}

/** DynamoDB throttled or was unavailable: worth retrying with backoff. */
export class StoreUnavailableError extends Error {
  override name = TASK_ERRORS.StoreUnavailable;
}

/** DynamoDB (and SDK transport) errors that a later attempt may not meet. */
const TRANSIENT = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'InternalServerError',
  'ServiceUnavailable',
  'TransactionConflictException',
  'TimeoutError',
]);
const isTransient = (error: unknown) =>
  error instanceof Error && (TRANSIENT.has(error.name) || ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT'].includes((error as { code?: string }).code ?? ''));

/**
 * Wraps a Step Functions task (or event) handler: Powertools logger and tracer, and the input
 * validated against its schema. Errors propagate with their `name`, which is what a state
 * machine's Retry and Catch match on — a task never turns a failure into a return value; transient
 * store errors are renamed `StoreUnavailable` so one Retry entry covers them.
 */
export function taskHandler<S extends z.ZodType, R>(schema: S, fn: (input: z.infer<S>, context: Context) => Promise<R>) {
  return middy<unknown, R>()
    .use(tracingMiddlewares)
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .handler(async (event: unknown, context: Context) => {
      const parsed = schema.safeParse(event);
      if (!parsed.success)
        throw new InvalidTaskInputError(`invalid task input: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
      try {
        return await fn(parsed.data, context);
      } catch (error) {
        if (isTransient(error)) throw new StoreUnavailableError(`${(error as Error).name}: ${(error as Error).message}`, { cause: error });
        throw error;
      }
    });
}
