import * as z from 'zod';
import { taskHandler } from '#shared/task.js';
import { summarise, workflowEnded } from './operation-end.js';
import { OperationInputSchema } from './task-schemas.js';

const SummariseInputSchema = z.object({
  operation: OperationInputSchema,
  error: z.object({ Error: z.string().optional(), Cause: z.string().optional() }).optional(),
});

/** Workflow task `Summarise` (and `RecordOperationFailed` with an error): ends the operation. */
export const handler = taskHandler(SummariseInputSchema, async (input) => {
  if (input.error) {
    await workflowEnded(input.operation.operation_id, 'FAILED', `${input.error.Error ?? 'error'}: ${input.error.Cause ?? ''}`);
    return { status: 'failed' };
  }
  return summarise(input.operation.operation_id);
});
