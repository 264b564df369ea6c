import { AppsV1Api, CoreV1Api, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import type { KubeConfig } from '@kubernetes/client-node';
import { manifestObjects } from './release-objects.js';

/**
 * The v1 actions that act on an app's workloads rather than on its release: a rolling restart
 * (what `kubectl rollout restart` does: a new annotation on the pod template), pause (scale to zero,
 * remembering the replicas) and resume (scale back).
 */
const SCALABLE = ['Deployment', 'StatefulSet'] as const;
const RESTARTABLE = ['Deployment', 'StatefulSet', 'DaemonSet'] as const;

type Workload = { kind: string; name: string; namespace: string };

function workloadsOf(manifest: string, namespace: string, kinds: readonly string[]): Workload[] {
  return manifestObjects(manifest, namespace).filter((o) => kinds.includes(o.kind));
}

const merge = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

export async function restartWorkloads(kc: KubeConfig, namespace: string, manifest: string, at: string): Promise<string[]> {
  const apps = kc.makeApiClient(AppsV1Api);
  const body = { spec: { template: { metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': at } } } } };
  const done: string[] = [];
  for (const w of workloadsOf(manifest, namespace, RESTARTABLE)) {
    const args = { name: w.name, namespace: w.namespace, body };
    if (w.kind === 'Deployment') await apps.patchNamespacedDeployment(args, merge);
    else if (w.kind === 'StatefulSet') await apps.patchNamespacedStatefulSet(args, merge);
    else await apps.patchNamespacedDaemonSet(args, merge);
    done.push(`${w.kind}/${w.name}`);
  }
  return done;
}

/** Scales every Deployment and StatefulSet of the release to zero; returns their replicas before. */
export async function pauseWorkloads(kc: KubeConfig, namespace: string, manifest: string): Promise<Record<string, number>> {
  const apps = kc.makeApiClient(AppsV1Api);
  const before: Record<string, number> = {};
  for (const w of workloadsOf(manifest, namespace, SCALABLE)) {
    const read = w.kind === 'Deployment' ? apps.readNamespacedDeployment(w) : apps.readNamespacedStatefulSet(w);
    before[`${w.kind}/${w.name}`] = (await read).spec?.replicas ?? 1;
    await scale(apps, w, 0);
  }
  return before;
}

/** Restores the replicas a pause remembered (a workload the chart no longer has is skipped). */
export async function resumeWorkloads(kc: KubeConfig, namespace: string, manifest: string, replicas: Record<string, number>): Promise<void> {
  const apps = kc.makeApiClient(AppsV1Api);
  for (const w of workloadsOf(manifest, namespace, SCALABLE)) {
    const count = replicas[`${w.kind}/${w.name}`];
    if (count !== undefined) await scale(apps, w, count);
  }
}

async function scale(apps: AppsV1Api, w: Workload, replicas: number): Promise<void> {
  const args = { name: w.name, namespace: w.namespace, body: { spec: { replicas } } };
  if (w.kind === 'Deployment') await apps.patchNamespacedDeploymentScale(args, merge);
  else await apps.patchNamespacedStatefulSetScale(args, merge);
}

/** Deletes a namespace and so everything left in it (volumes included); one already gone is fine. */
export async function deleteNamespace(kc: KubeConfig, namespace: string): Promise<void> {
  try {
    await kc.makeApiClient(CoreV1Api).deleteNamespace({ name: namespace });
  } catch (error) {
    if ((error as { code?: number }).code !== 404) throw error;
  }
}
