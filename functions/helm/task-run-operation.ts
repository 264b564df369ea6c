import * as z from 'zod';
import { nowIso } from '#shared/ids.js';
import { taskHandler } from '#shared/task.js';
import { kubeConfigFor, writeKubeconfigFile } from './clusters.js';
import { HelmCommandError } from './helm-cli.js';
import { applyChart, rollbackRelease, uninstallRelease } from './helm-release.js';
import { refOf, TaskInputSchema } from './operation-input.js';
import { appOf } from './operation-steps.js';
import { releaseHistory } from './release-objects.js';
import { updateDuringOperation } from './store/apps.js';
import { deleteNamespace, pauseWorkloads, restartWorkloads, resumeWorkloads } from './workloads.js';

const InputSchema = TaskInputSchema.extend({ begin: z.object({ rollbackTo: z.number().int().nullable() }) });

/**
 * `RunOperation`: the one step that changes the cluster — helm install/upgrade/rollback/uninstall
 * (hooks waited for, resources not), or the workload actions (restart, pause, resume).
 */
export const handler = taskHandler(InputSchema, async ({ operation: op, begin }) => {
  const app = await appOf(op);
  const kubeconfig = await writeKubeconfigFile(op.cluster);
  switch (op.kind) {
    case 'install':
    case 'upgrade':
      await applyChart(app, op, kubeconfig);
      break;
    case 'rollback':
      if (begin.rollbackTo === null) throw new HelmCommandError('no revision to roll back to');
      await rollbackRelease(app, op, begin.rollbackTo, kubeconfig);
      break;
    case 'delete':
      await uninstallRelease(app, op, kubeconfig);
      if (op.purge) await deleteNamespace(await kubeConfigFor(op.cluster), op.namespace);
      break;
    default: {
      const kc = await kubeConfigFor(op.cluster);
      const latest = (await releaseHistory(kc, op.namespace, op.name)).at(-1);
      if (!latest) throw new HelmCommandError(`release ${op.namespace}/${op.name} does not exist in the cluster`);
      if (op.kind === 'restart') await restartWorkloads(kc, op.namespace, latest.manifest, nowIso());
      else if (op.kind === 'pause') {
        const replicas = app.paused ?? (await pauseWorkloads(kc, op.namespace, latest.manifest));
        await updateDuringOperation(refOf(op), op.id, { paused: replicas });
      } else await resumeWorkloads(kc, op.namespace, latest.manifest, app.paused ?? {});
    }
  }
  return { done: true };
});
