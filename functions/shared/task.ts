import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import type { Context } from 'aws-lambda';
import type * as z from 'zod';
import { logger, tracer } from './observability.js';

/** A task input that fails its schema: a bug in the state machine, not worth retrying. */
export class InvalidTaskInputError extends Error {
  override name = 'InvalidTaskInput';
}

/**
 * Wraps a Step Functions task (or event) handler: Powertools logger and tracer, and the input
 * validated against its schema. Errors propagate with their `name`, which is what a state
 * machine's Retry and Catch match on — a task never turns a failure into a return value.
 */
export function taskHandler<S extends z.ZodType, R>(schema: S, fn: (input: z.infer<S>, context: Context) => Promise<R>) {
  return middy<unknown, R>()
    .use(captureLambdaHandler(tracer))
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .handler(async (event: unknown, context: Context) => {
      const parsed = schema.safeParse(event);
      if (!parsed.success)
        throw new InvalidTaskInputError(`invalid task input: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
      return fn(parsed.data, context);
    });
}
