import * as z from 'zod';
import { taskHandler } from '#shared/task.js';
import { attemptFailed } from './instance-flow.js';
import { InstanceStepSchema } from './task-schemas.js';

const FailureInputSchema = InstanceStepSchema.extend({ error: z.object({ Error: z.string().optional(), Cause: z.string().optional() }) });

/**
 * Workflow task `RecordAttemptFailure`: decides whether to try again. ASL `Retry` cannot take the
 * request's `retry_count`, so the workflow loops on this task's answer (`again`, `wait_seconds`).
 */
export const handler = taskHandler(FailureInputSchema, (input) => attemptFailed(input.operation.operation_id, input.instance_id, input.attempt, input.error));
