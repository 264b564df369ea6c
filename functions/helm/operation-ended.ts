import { workflowEndedHandler } from '#shared/workflow-ends.js';
import { findOperation, getApp } from './store/apps.js';
import { finishOperation } from './operation-steps.js';

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
  await finishOperation(
    {
      id: operationId,
      kind: app.operation.kind,
      started_at: where.started_at,
      cluster: where.cluster,
      namespace: where.namespace,
      name: where.name,
      deadline: 0,
      wait: app.wait,
      target_revision: null,
      force: false,
    },
    'failed',
    `the workflow ended ${status}: ${reason}`,
  );
});
