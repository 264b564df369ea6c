import * as z from 'zod';
import { taskHandler } from './task.js';

/**
 * The shared half of "record the operation → start an execution named after it → route its end
 * back to its owner". A domain records its operation and starts its execution under the
 * operation's id (`startWorkflow` in workflows.ts, idempotent by name); each workflow in WORKFLOWS
 * (functions/tasks.ts) names the event function that owns its ends (`endedBy`). In AWS one
 * EventBridge rule per state machine delivers that machine's "Step Functions Execution Status
 * Change" events to its owner (infra/workflows-stack.ts); locally the workflow host routes the
 * runner's identical events with `ownerOf`. The owner's handler is built with `workflowEndedHandler`.
 */

export const END_STATUSES = ['SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED'] as const;
export type EndStatus = (typeof END_STATUSES)[number];

export const ExecutionStatusChangeSchema = z.object({
  detail: z.object({
    executionArn: z.string(),
    stateMachineArn: z.string(),
    name: z.string(),
    status: z.string(),
    error: z.string().nullable().optional(),
    cause: z.string().nullable().optional(),
  }),
});

/** An execution's end, as its owner sees it: the operation is the execution's name. */
export type WorkflowEnd = Readonly<{ operationId: string; stateMachine: string; status: EndStatus; reason: string }>;

/** `fleet-operation` of `arn:aws:states:…:stateMachine:fleet-operation` (a child's is `fleet-operation/Instances`). */
export function stateMachineNameOf(arn: string): string {
  return arn.split(':stateMachine:')[1] ?? arn;
}

/**
 * The end an owner acts on, or undefined for what it must ignore: a running execution, and the
 * child executions of a Distributed Map (their machine is `<machine>/<label>`, their names are
 * not operations).
 */
export function decodeExecutionEnd(event: z.infer<typeof ExecutionStatusChangeSchema>): WorkflowEnd | undefined {
  const { detail } = event;
  const status = END_STATUSES.find((s) => s === detail.status);
  const stateMachine = stateMachineNameOf(detail.stateMachineArn);
  if (!status || stateMachine.includes('/') || detail.name.includes('/')) return undefined;
  const reason = [detail.error, detail.cause].filter(Boolean).join(': ') || (status === 'SUCCEEDED' ? 'succeeded' : 'no reason given');
  return { operationId: detail.name, stateMachine, status, reason };
}

/** The owner registered for a state machine (locally, where names are the workflow names). */
export function ownerOf(stateMachineArn: string, workflows: readonly Readonly<{ name: string; endedBy?: string }>[]): string | undefined {
  const machine = stateMachineNameOf(stateMachineArn);
  return workflows.find((w) => w.name === machine)?.endedBy;
}

/** An owner's end handler: validates and decodes the event, ignores what is not its operation's end. */
export function workflowEndedHandler(onEnd: (end: WorkflowEnd) => Promise<void>) {
  return taskHandler(ExecutionStatusChangeSchema, async (event) => {
    const end = decodeExecutionEnd(event);
    if (!end) return { ignored: true };
    await onEnd(end);
    return { ignored: false };
  });
}
