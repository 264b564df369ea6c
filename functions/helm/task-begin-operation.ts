import { taskHandler } from '#shared/task.js';
import { writeKubeconfigFile, kubeConfigFor } from './clusters.js';
import { uninstallRelease } from './helm-release.js';
import { TaskInputSchema } from './operation-input.js';
import { appOf, prepareRelease } from './operation-steps.js';

/**
 * `BeginOperation`: checks the operation still holds the app, recovers a release stuck in pending-*
 * (recorded on the operation), and picks a rollback's target revision.
 */
export const handler = taskHandler(TaskInputSchema, async ({ operation }) => {
  const app = await appOf(operation);
  const kc = await kubeConfigFor(operation.cluster);
  const { recovered, rollbackTo } = await prepareRelease(kc, operation, async () =>
    uninstallRelease(app, operation, await writeKubeconfigFile(operation.cluster)),
  );
  return { recovered, rollbackTo };
});
