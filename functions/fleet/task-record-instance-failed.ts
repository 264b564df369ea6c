import * as z from 'zod';
import { taskHandler } from '#shared/task.js';
import { instanceUnrecorded, UNRECORDED_STEPS } from './instance-flow.js';
import { OperationInputSchema, operationRefOf } from './task-schemas.js';

const UnrecordedInputSchema = z.object({
  operation: OperationInputSchema,
  instance_id: z.string(),
  step: z.enum(Object.keys(UNRECORDED_STEPS) as [keyof typeof UNRECORDED_STEPS]),
  error: z.object({ Error: z.string().optional(), Cause: z.string().optional() }),
});

/**
 * Workflow task `RecordInstanceFailed`, the Catch path of the recording tasks: the instance ends
 * `failed` with why its outcome could not be recorded, and its lock is freed. Should this fail too,
 * the child execution fails and Summarise (or the execution's end) fails the row.
 */
export const handler = taskHandler(UnrecordedInputSchema, async (input) => {
  await instanceUnrecorded(operationRefOf(input.operation), input.instance_id, input.step, input.error);
  return { status: 'failed' };
});
