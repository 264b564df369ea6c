import { taskHandler } from '#shared/task.js';
import { beginAttempt } from './instance-flow.js';
import { InstanceStepSchema } from './task-schemas.js';

/** Workflow task `BeginAttempt`: skip a cancelled or halted operation's instance, else mark it in progress. */
export const handler = taskHandler(InstanceStepSchema, (input) => beginAttempt(input.operation.operation_id, input.instance_id, input.attempt));
