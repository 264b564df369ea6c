import { taskHandler } from '#shared/task.js';
import { kubeConfigFor } from './clusters.js';
import { TaskInputSchema } from './operation-input.js';
import { appOf, checkReadiness } from './operation-steps.js';

/**
 * `CheckReadiness`: one look at every resource of the release (no waiting here: the state machine
 * waits between looks). `ready`, `failed` (will not heal by waiting), `timeout`, or `pending`.
 */
export const handler = taskHandler(TaskInputSchema, async ({ operation }) => {
  await appOf(operation);
  return checkReadiness(await kubeConfigFor(operation.cluster), operation);
});
