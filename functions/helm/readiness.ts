import type { ResourceStatus } from './store/records.js';

/**
 * Whether a release's resources are ready, and when not, which one and why — decided from the
 * objects themselves, as kstatus does, plus the pods behind each workload, so that the answer names
 * the pod and its reason (`ImagePullBackOff: registry.invalid/podinfo:6.5.4`) instead of "timed out".
 * Pure: the caller reads the objects (release-objects.ts) and passes them in.
 */

/** A Kubernetes object as read from the API, loosely typed: only what the rules below look at. */
export type KubeObject = {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; namespace?: string; generation?: number; creationTimestamp?: string | Date; labels?: Record<string, string> };
  spec?: Record<string, unknown>;
  status?: Record<string, unknown>;
};

export type Verdict = 'ready' | 'pending' | 'failed';

export type ResourceVerdict = ResourceStatus & { verdict: Verdict };

export type ReadinessOptions = Readonly<{
  now: number;
  imagePullGraceSeconds: number;
  /**
   * A ready pod counts only once its containers have run this long: a container that crashes right
   * after starting is Ready for a moment (no probe), and kstatus and `helm --wait` would pass it.
   * @default 0
   */
  readyStableSeconds?: number;
}>;

type Condition = { type?: string; status?: string; reason?: string; message?: string };
type ContainerStatus = {
  name?: string;
  image?: string;
  restartCount?: number;
  ready?: boolean;
  state?: { waiting?: { reason?: string; message?: string }; running?: { startedAt?: string | Date }; terminated?: { exitCode?: number; reason?: string } };
  lastState?: { terminated?: { exitCode?: number; reason?: string } };
};

const conditions = (o: KubeObject): Condition[] => (Array.isArray(o.status?.conditions) ? (o.status.conditions as Condition[]) : []);
const condition = (o: KubeObject, type: string) => conditions(o).find((c) => c.type === type);
const num = (v: unknown, fallback = 0) => (typeof v === 'number' ? v : fallback);
const text = (v: unknown, fallback: string) => (typeof v === 'string' && v !== '' ? v : fallback);
const ageSeconds = (o: KubeObject, now: number) => {
  const created = o.metadata?.creationTimestamp;
  return created ? (now - new Date(created).getTime()) / 1000 : Number.POSITIVE_INFINITY;
};

/** A pod that will not heal by waiting, and why; or why it is not ready yet; or undefined when ready. */
export function podProblem(pod: KubeObject, options: ReadinessOptions): { failed: boolean; message: string } | undefined {
  const name = pod.metadata?.name ?? '?';
  const phase = pod.status?.phase;
  if (phase === 'Succeeded') return undefined;
  if (phase === 'Failed')
    return { failed: true, message: `pod ${name} Failed: ${text(pod.status?.reason, text(pod.status?.message, 'its containers exited'))}` };
  const scheduled = condition(pod, 'PodScheduled');
  if (scheduled?.status === 'False' && scheduled.reason === 'Unschedulable') {
    return { failed: true, message: `pod ${name} Unschedulable: ${scheduled.message ?? 'no node fits'}` };
  }
  const statuses = [
    ...((pod.status?.initContainerStatuses as ContainerStatus[] | undefined) ?? []),
    ...((pod.status?.containerStatuses as ContainerStatus[] | undefined) ?? []),
  ];
  for (const status of statuses) {
    const reason = status.state?.waiting?.reason;
    if (reason === 'CrashLoopBackOff') {
      const exit = status.lastState?.terminated?.exitCode;
      return {
        failed: true,
        message: `pod ${name} CrashLoopBackOff: container ${status.name ?? '?'} restarted ${num(status.restartCount)} times${exit === undefined ? '' : ` (exit code ${exit})`}`,
      };
    }
    if (reason === 'ImagePullBackOff' || reason === 'InvalidImageName' || reason === 'ErrImageNeverPull') {
      return { failed: true, message: `pod ${name} ${reason}: ${status.image ?? '?'}` };
    }
    if (reason === 'ErrImagePull') {
      // The first failed pull may be a registry hiccup; the kubelet backs off after it (ImagePullBackOff).
      return { failed: ageSeconds(pod, options.now) >= options.imagePullGraceSeconds, message: `pod ${name} ErrImagePull: ${status.image ?? '?'}` };
    }
    if (reason === 'CreateContainerConfigError' || reason === 'CreateContainerError') {
      return { failed: true, message: `pod ${name} ${reason}: ${status.state?.waiting?.message ?? ''}`.trim() };
    }
  }
  if (phase === 'Pending') {
    if (scheduled?.status !== 'True') return { failed: false, message: `pod ${name} waiting to be scheduled` };
    const waiting = statuses.find((s) => s.state?.waiting?.reason)?.state?.waiting?.reason;
    return { failed: false, message: `pod ${name} ${waiting ?? 'Pending'}` };
  }
  if (condition(pod, 'Ready')?.status !== 'True') {
    const notReady = statuses.filter((s) => !s.ready).map((s) => s.name);
    return { failed: false, message: `pod ${name} not ready${notReady.length > 0 ? ` (containers ${notReady.join(', ')})` : ''}` };
  }
  const stable = options.readyStableSeconds ?? 0;
  const youngest = Math.min(
    ...statuses.map((s) => (s.state?.running?.startedAt ? (options.now - new Date(s.state.running.startedAt).getTime()) / 1000 : Infinity)),
  );
  if (stable > 0 && youngest < stable) return { failed: false, message: `pod ${name} started ${youngest.toFixed(1)}s ago; checking that it stays up` };
  return undefined;
}

/**
 * The first problem among a workload's pods: a failed one wins over a pending one. Pods on their way
 * out (terminating, or evicted by the kubelet) are the controller's business, not the app's.
 */
function podsProblem(pods: readonly KubeObject[], options: ReadinessOptions): { failed: boolean; message: string } | undefined {
  const current = pods.filter(
    (pod) =>
      !(pod.metadata as { deletionTimestamp?: unknown } | undefined)?.deletionTimestamp && !(pod.status?.phase === 'Failed' && pod.status.reason === 'Evicted'),
  );
  const problems = current.map((pod) => podProblem(pod, options)).filter((p) => p !== undefined);
  return problems.find((p) => p.failed) ?? problems[0];
}

function verdict(o: KubeObject, verdictOf: Verdict, message: string): ResourceVerdict {
  const namespace = o.metadata?.namespace ?? '';
  return { kind: o.kind ?? '?', name: o.metadata?.name ?? '?', namespace, ready: verdictOf === 'ready', message, verdict: verdictOf };
}

/** Rollout state of a workload from its status, before looking at pods. */
function workloadRollout(o: KubeObject): { done: boolean; message: string; deadlineExceeded?: string } {
  const generation = num(o.metadata?.generation, 1);
  const observed = num(o.status?.observedGeneration, -1);
  if (observed < generation) return { done: false, message: 'rollout not observed yet' };
  const desired = num(o.spec?.replicas, 1);
  switch (o.kind) {
    case 'Deployment': {
      const progressing = condition(o, 'Progressing');
      if (progressing?.status === 'False' && progressing.reason === 'ProgressDeadlineExceeded') {
        return { done: false, message: 'progress deadline exceeded', deadlineExceeded: progressing.message ?? 'ProgressDeadlineExceeded' };
      }
      const updated = num(o.status?.updatedReplicas);
      const available = num(o.status?.availableReplicas);
      const total = num(o.status?.replicas);
      if (updated < desired) return { done: false, message: `${updated}/${desired} replicas updated` };
      if (total > updated) return { done: false, message: `${total - updated} old replicas pending termination` };
      if (available < desired) return { done: false, message: `${available}/${desired} replicas available` };
      return { done: true, message: `${available}/${desired} replicas available` };
    }
    case 'StatefulSet': {
      const ready = num(o.status?.readyReplicas);
      if (ready < desired) return { done: false, message: `${ready}/${desired} replicas ready` };
      const strategy = (o.spec?.updateStrategy as { type?: string } | undefined)?.type ?? 'RollingUpdate';
      if (strategy === 'RollingUpdate' && o.status?.updateRevision && o.status.currentRevision !== o.status.updateRevision) {
        return { done: false, message: `${num(o.status?.updatedReplicas)}/${desired} replicas updated` };
      }
      return { done: true, message: `${ready}/${desired} replicas ready` };
    }
    case 'DaemonSet': {
      const want = num(o.status?.desiredNumberScheduled);
      const ready = num(o.status?.numberReady);
      const updated = num(o.status?.updatedNumberScheduled);
      if (updated < want || ready < want) return { done: false, message: `${ready}/${want} pods ready` };
      return { done: true, message: `${ready}/${want} pods ready` };
    }
    default:
      return { done: true, message: 'ready' };
  }
}

/** The verdict on one resource of a release, with `pods` the pods its selector matches. */
export function resourceVerdict(o: KubeObject, pods: readonly KubeObject[], options: ReadinessOptions): ResourceVerdict {
  if (o.status?.missing === true) return verdict(o, 'pending', 'not found in the cluster');
  switch (o.kind) {
    case 'Deployment':
    case 'StatefulSet':
    case 'DaemonSet': {
      const rollout = workloadRollout(o);
      const problem = podsProblem(pods, options);
      if (problem?.failed) return verdict(o, 'failed', problem.message);
      if (rollout.deadlineExceeded) return verdict(o, 'failed', `ProgressDeadlineExceeded: ${rollout.deadlineExceeded}`);
      if (rollout.done && !problem) return verdict(o, 'ready', rollout.message);
      return verdict(o, 'pending', problem ? `${rollout.message}; ${problem.message}` : rollout.message);
    }
    case 'Job': {
      if (condition(o, 'Complete')?.status === 'True') return verdict(o, 'ready', 'complete');
      const failed = condition(o, 'Failed');
      if (failed?.status === 'True') return verdict(o, 'failed', `Job failed: ${failed.reason ?? ''} ${failed.message ?? ''}`.trim());
      const problem = podsProblem(pods, options);
      if (problem?.failed) return verdict(o, 'failed', problem.message);
      return verdict(o, 'pending', problem?.message ?? `${num(o.status?.succeeded)} completions`);
    }
    case 'Pod': {
      const problem = podProblem(o, options);
      if (!problem) return verdict(o, 'ready', 'ready');
      return verdict(o, problem.failed ? 'failed' : 'pending', problem.message.replace(/^pod \S+ /, ''));
    }
    case 'PersistentVolumeClaim':
      return o.status?.phase === 'Bound' ? verdict(o, 'ready', 'Bound') : verdict(o, 'pending', text(o.status?.phase, 'Pending'));
    case 'Service': {
      if (o.spec?.type !== 'LoadBalancer') return verdict(o, 'ready', 'ready');
      const ingress = (o.status?.loadBalancer as { ingress?: unknown[] } | undefined)?.ingress ?? [];
      return ingress.length > 0 ? verdict(o, 'ready', 'load balancer ready') : verdict(o, 'pending', 'waiting for a load balancer address');
    }
    default:
      return verdict(o, 'ready', 'applied');
  }
}

/** `Deployment podinfo-ns/podinfo: pod podinfo-7d9c-x2 ImagePullBackOff: registry.invalid/podinfo:6.5.4`. */
export function describeResource(r: ResourceStatus): string {
  return `${r.kind} ${r.namespace ? `${r.namespace}/` : ''}${r.name}: ${r.message}`;
}

/** The release's overall verdict: failed when any resource failed, pending when any is not ready. */
export function overallVerdict(resources: readonly ResourceVerdict[]): { verdict: Verdict; message: string } {
  const failed = resources.find((r) => r.verdict === 'failed');
  if (failed) return { verdict: 'failed', message: describeResource(failed) };
  const pending = resources.filter((r) => r.verdict === 'pending');
  if (pending.length > 0) {
    const more = pending.length > 1 ? ` (and ${pending.length - 1} more not ready)` : '';
    return { verdict: 'pending', message: `${describeResource(pending[0] as ResourceVerdict)}${more}` };
  }
  return { verdict: 'ready', message: `${resources.length} resources ready` };
}
