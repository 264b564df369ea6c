import * as z from 'zod';
import { taskHandler } from '#shared/task.js';
import { attemptSucceeded } from './instance-flow.js';
import { InstanceStepSchema, operationRefOf } from './task-schemas.js';

const SuccessInputSchema = InstanceStepSchema.extend({ result: z.object({ version: z.string().optional(), output_tail: z.string().nullable().optional() }) });

/** Workflow task `RecordInstanceSuccess`: the instance runs the version now; history and lock follow. */
export const handler = taskHandler(SuccessInputSchema, async (input) => {
  await attemptSucceeded(operationRefOf(input.operation), input.instance_id, input.result);
  return { status: 'completed' };
});
