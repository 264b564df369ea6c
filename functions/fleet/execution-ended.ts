import * as z from 'zod';
import { taskHandler } from '#shared/task.js';
import { workflowEnded } from './instance-flow.js';

const StatusChangeSchema = z.object({
  detail: z.object({
    name: z.string(),
    status: z.string(),
    error: z.string().nullable().optional(),
    cause: z.string().nullable().optional(),
    stateMachineArn: z.string(),
  }),
});

/**
 * EventBridge "Step Functions Execution Status Change" for failed, timed-out and aborted
 * executions (locally: the workflow runner, also after a restart): the operation named by the
 * execution ends with the reason. Other names (the Distributed Map's child executions) match no
 * operation and change nothing.
 */
export const handler = taskHandler(StatusChangeSchema, async ({ detail }) => {
  if (detail.status === 'SUCCEEDED' || detail.status === 'RUNNING') return { ignored: true };
  await workflowEnded(detail.name, detail.status, [detail.error, detail.cause].filter(Boolean).join(': ') || 'no reason given');
  return { ignored: false };
});
