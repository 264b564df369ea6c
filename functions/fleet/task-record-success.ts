import * as z from 'zod';
import { taskHandler } from '#shared/task.js';
import { attemptSucceeded } from './instance-flow.js';
import { InstanceStepSchema, operationRefOf } from './task-schemas.js';

/** What DispatchToAgent's task token was completed with (agent-service `result`). */
const SuccessInputSchema = InstanceStepSchema.extend({
  result: z.object({ command_id: z.string().min(1), version: z.string().optional(), output_tail: z.string().nullable().optional() }),
});

/**
 * Workflow task `RecordInstanceSuccess`: the instance runs the version now; history and lock
 * follow. Only the answered command's row can become `completed`; a row a cancel already ended
 * keeps its state (`already ended`).
 */
export const handler = taskHandler(SuccessInputSchema, async (input) => ({
  status: await attemptSucceeded(operationRefOf(input.operation), input.instance_id, input.result),
}));
