import { workflowEndedHandler } from '#shared/workflow-ends.js';
import { workflowEnded } from './operation-end.js';

/**
 * The fleet's end handler (`endedBy` of the fleet-operation workflow): every end of a deployment's or
 * rollback's execution — succeeded, failed, timed out, aborted, or lost in a local restart — makes
 * sure the operation has ended, with the reason when the workflow could not record it itself.
 */
export const handler = workflowEndedHandler(({ operationId, status, reason }) => workflowEnded(operationId, status, reason));
