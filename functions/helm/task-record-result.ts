import { taskHandler } from '#shared/task.js';
import { kubeConfigFor } from './clusters.js';
import { TaskInputSchema } from './operation-input.js';
import { causeMessage, finishOperation } from './operation-steps.js';

/**
 * `RecordResult`: the end of every path. A caught error or a failed/timed-out readiness check makes
 * the app `error` with the reason; otherwise it is `active` (or `removed`). Returns the outcome so
 * the execution itself ends failed when the operation did.
 */
export const handler = taskHandler(TaskInputSchema, async ({ operation, readiness, error }) => {
  const failed = error !== undefined || readiness?.verdict === 'failed' || readiness?.verdict === 'timeout';
  const message = error ? causeMessage(error) : (readiness?.message ?? '');
  const kc = await kubeConfigFor(operation.cluster).catch(() => undefined);
  await finishOperation(operation, failed ? 'failed' : 'succeeded', message, kc);
  return { outcome: failed ? 'failed' : 'succeeded', message };
});
