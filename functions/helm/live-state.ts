import { kubeConfigFor } from './clusters.js';
import type { KubeObject } from './readiness.js';
import { podProblem } from './readiness.js';
import { latestReleaseStatus, releasePods } from './release-objects.js';
import { getSettings } from './settings.js';
import type { AppRecord } from './store/records.js';

/**
 * An app's state at the moment of a GET: the recorded state, corrected by the release (the labels of
 * helm's release Secrets) and its pods (one list by the release's instance label), read together.
 * An `active` app whose release was removed or failed outside this API, or whose pods crash, cannot
 * pull or cannot be scheduled, is `error` with the reason — helm would still say `deployed`.
 */
export type LiveState = Pick<AppRecord, 'state' | 'transitioning' | 'transitioning_message'> & { pods?: { ready: number; total: number } };

/** `Deployment ns/web` for a pod owned through a ReplicaSet `web-<hash>`, else the owner as it is. */
function ownerOf(pod: KubeObject & { metadata?: { ownerReferences?: { kind?: string; name?: string }[] } }): string {
  const owner = pod.metadata?.ownerReferences?.[0];
  const ns = pod.metadata?.namespace ?? '';
  if (!owner?.kind || !owner.name) return `Pod ${ns}/${pod.metadata?.name ?? '?'}`;
  if (owner.kind === 'ReplicaSet') return `Deployment ${ns}/${owner.name.replace(/-[a-z0-9]+$/, '')}`;
  return `${owner.kind} ${ns}/${owner.name}`;
}

export async function liveState(app: AppRecord): Promise<LiveState> {
  const recorded: LiveState = { state: app.state, transitioning: app.transitioning, transitioning_message: app.transitioning_message };
  if (app.operation || app.state !== 'active') return recorded;
  let pods: KubeObject[];
  let release: { revision: number; status: string } | undefined;
  try {
    const kc = await kubeConfigFor(app.cluster);
    [pods, release] = await Promise.all([releasePods(kc, app.namespace, app.name), latestReleaseStatus(kc, app.namespace, app.name)]);
  } catch (error) {
    return { ...recorded, transitioning_message: `live status unavailable: ${error instanceof Error ? error.message : String(error)}` };
  }
  if (!release)
    return {
      state: 'error',
      transitioning: 'error',
      transitioning_message: `release ${app.namespace}/${app.name} is not in the cluster (uninstalled outside this API?)`,
    };
  if (release.status !== 'deployed') {
    return {
      state: 'error',
      transitioning: 'error',
      transitioning_message: `release ${app.namespace}/${app.name} revision ${release.revision} is ${release.status} (changed outside this API; the next operation recovers it)`,
    };
  }
  const settings = await getSettings();
  const options = { now: Date.now(), imagePullGraceSeconds: settings.imagePullGraceSeconds };
  const counts = { ready: pods.filter((p) => podProblem(p, options) === undefined).length, total: pods.length };
  for (const pod of pods) {
    const problem = podProblem(pod, options);
    if (problem?.failed) return { state: 'error', transitioning: 'error', transitioning_message: `${ownerOf(pod)}: ${problem.message}`, pods: counts };
  }
  if (app.paused) return { ...recorded, transitioning_message: 'paused: workloads scaled to zero (resume restores them)', pods: counts };
  return { ...recorded, pods: counts };
}
