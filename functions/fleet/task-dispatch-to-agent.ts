import * as z from 'zod';
import { taskHandler } from '#shared/task.js';
import { dispatch } from './instance-flow.js';
import { InstanceStepSchema, operationRefOf } from './task-schemas.js';

const DispatchInputSchema = InstanceStepSchema.extend({ token: z.string().min(1) });

/**
 * Workflow task `DispatchToAgent` (`.waitForTaskToken`): queues the command for the instance's agent
 * with the task token kept server-side; the agent's result completes the task. The agent reports
 * progress three times per heartbeat window.
 */
export const handler = taskHandler(DispatchInputSchema, async (input) => ({
  command_id: await dispatch(
    operationRefOf(input.operation),
    input.instance_id,
    input.attempt,
    input.token,
    Math.max(1, Math.floor(input.operation.heartbeat_seconds / 3)),
  ),
}));
