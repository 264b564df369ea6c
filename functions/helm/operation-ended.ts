import { workflowEndedHandler } from '#shared/workflow-ends.js';
import { findOperation, getApp } from './store/apps.js';
import { finishOperation, inFlightOperation } from './operation-steps.js';

/**
 * `HelmOperationEnded` (the helm-operation workflow's `endedBy`): an execution that ended without
 * recording its result — it was stopped, timed out, or lost in a local restart — still ends its
 * operation, with the reason, so an app is never left `installing` or locked.
 */
export const handler = workflowEndedHandler(async ({ operationId, status, reason }) => {
  if (status === 'SUCCEEDED') return;
  const where = await findOperation(operationId);
  if (!where) return;
  const app = await getApp(where);
  if (app?.operation?.id !== operationId) return;
  const operation = inFlightOperation(app);
  if (operation) await finishOperation(operation, 'failed', `the workflow ended ${status}: ${reason}`);
});
