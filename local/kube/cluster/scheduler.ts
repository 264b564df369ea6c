import type { StoreEvent } from '../store.js';
import type { EventRecorder } from './events.js';
import type { Controller, ControllerHost, Target } from './host.js';
import { isTerminal, setCondition, type Pod } from './pods.js';
import { parseQuantity, podRequest, requestOf } from './quantity.js';

const RESOURCES = ['cpu', 'memory', 'ephemeral-storage'] as const;
const SOURCE = { component: 'default-scheduler' };

type NodeView = {
  name: string;
  labels: Record<string, string>;
  free: Record<string, number>;
  pods: number;
  allocatable: Record<string, number>;
  /** The requests counted for scoring, where a container without one counts as 100m CPU and 200 MiB (Kubernetes' non-zero defaults). */
  scored: Record<'cpu' | 'memory', number>;
};

// Scoring counts a container without requests as this much, so best-effort pods spread too (as kube-scheduler does).
const NON_ZERO = { cpu: 0.1, memory: 200 * 2 ** 20 } as const;
const scoredRequest = (pod: Pod, resource: 'cpu' | 'memory'): number =>
  pod.spec.containers.reduce((sum, c) => sum + (requestOf(c, resource) || NON_ZERO[resource]), 0);

/**
 * The scheduler: a pending pod without a node is bound to the node where its requests fit best
 * (the least allocated, by the larger of its cpu and memory shares, counting a container without
 * requests as 100m and 200 MiB as kube-scheduler's scoring does; ties by name). When no node fits,
 * the pod stays Pending with `PodScheduled=False`, reason `Unschedulable` and the scheduler's
 * message (`0/3 nodes are available: 3 Insufficient memory.`), and a `FailedScheduling` event; it is
 * retried whenever a pod goes away or a node changes, as the real scheduler's queue does.
 */
export class Scheduler implements Controller {
  readonly name = 'scheduler';
  constructor(private readonly events: EventRecorder) {}

  targetsOf(event: StoreEvent, host: ControllerHost): Target[] {
    if (event.group !== '') return [];
    if (event.plural === 'pods') {
      const pod = event.object as Pod;
      const freesResources = event.type === 'DELETED' || isTerminal(pod);
      if (freesResources) return this.waiting(host);
      return this.needsNode(pod) ? [event] : [];
    }
    if (event.plural === 'nodes' && event.type !== 'MODIFIED') return this.waiting(host);
    if (event.plural === 'persistentvolumeclaims' && event.type !== 'DELETED') return this.waiting(host);
    return [];
  }

  initialTargets(host: ControllerHost): Target[] {
    return this.waiting(host);
  }

  reconcile(target: Target, host: ControllerHost): undefined {
    const pod = host.get('', 'pods', target.namespace, target.name) as Pod | undefined;
    if (!pod || !this.needsNode(pod)) return;
    const unbound = this.unboundClaim(pod, host);
    const nodes = this.nodeViews(host);
    const reasons = new Map<string, number>();
    let best: { node: NodeView; score: number } | undefined;
    if (unbound) reasons.set('pod has unbound immediate PersistentVolumeClaims', nodes.length);
    else
      for (const node of nodes) {
        const misfits = this.misfits(pod, node);
        for (const reason of misfits) reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
        if (misfits.length) continue;
        const score = Math.max(...(['cpu', 'memory'] as const).map((r) => (node.scored[r] + scoredRequest(pod, r)) / (node.allocatable[r] || 1)));
        if (!best || score < best.score) best = { node, score };
      }
    const pods = host.type('', 'pods');
    if (best) {
      const bound = host.rest.replace(pods, pod, { ...pod, spec: { ...pod.spec, nodeName: best.node.name } }, {}) as Pod;
      const conditions = setCondition(bound.status?.conditions, { type: 'PodScheduled', status: 'True', lastProbeTime: null });
      host.rest.replace(pods, bound, { ...bound, status: { ...bound.status, conditions } }, { subresource: 'status' });
      this.events.record(pod, 'Normal', 'Scheduled', `Successfully assigned ${pod.metadata.namespace}/${pod.metadata.name} to ${best.node.name}`, SOURCE);
      return;
    }
    const histogram = [...reasons].map(([reason, count]) => (reason.startsWith('pod has') ? reason : `${count} ${reason}`)).sort();
    const message = `0/${nodes.length} nodes are available: ${histogram.join(', ')}.`;
    const conditions = setCondition(pod.status?.conditions, { type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message, lastProbeTime: null });
    const previous = pod.status?.conditions?.find((c) => c.type === 'PodScheduled');
    if (previous?.status === 'False' && previous.message === message) return;
    host.rest.replace(pods, pod, { ...pod, status: { ...pod.status, conditions } }, { subresource: 'status' });
    this.events.record(pod, 'Warning', 'FailedScheduling', message, SOURCE);
  }

  private needsNode(pod: Pod): boolean {
    return !pod.spec.nodeName && !pod.metadata.deletionTimestamp && !isTerminal(pod) && (pod.spec.schedulerName ?? 'default-scheduler') === 'default-scheduler';
  }

  private waiting(host: ControllerHost): Target[] {
    return (host.list('', 'pods') as Pod[])
      .filter((p) => this.needsNode(p))
      .map((p) => ({ group: '', plural: 'pods', namespace: p.metadata.namespace ?? '', name: p.metadata.name }));
  }

  private unboundClaim(pod: Pod, host: ControllerHost): boolean {
    return (pod.spec.volumes ?? []).some((v) => {
      const claim = v.persistentVolumeClaim?.claimName;
      if (!claim) return false;
      const pvc = host.get('', 'persistentvolumeclaims', pod.metadata.namespace ?? '', claim);
      return (pvc?.status as { phase?: string } | undefined)?.phase !== 'Bound';
    });
  }

  private misfits(pod: Pod, node: NodeView): string[] {
    const reasons: string[] = [];
    const selector = pod.spec.nodeSelector ?? {};
    if (Object.entries(selector).some(([k, v]) => node.labels[k] !== v)) reasons.push("node(s) didn't match Pod's node affinity/selector");
    if (node.pods < 1) reasons.push('Too many pods');
    for (const resource of RESOURCES) if (podRequest(pod.spec, resource) > node.free[resource]!) reasons.push(`Insufficient ${resource}`);
    return reasons;
  }

  private nodeViews(host: ControllerHost): NodeView[] {
    const pods = (host.list('', 'pods') as Pod[]).filter((p) => p.spec.nodeName && !isTerminal(p));
    return host
      .list('', 'nodes')
      .map((node) => {
        const allocatable = (node.status as { allocatable?: Record<string, string> } | undefined)?.allocatable ?? {};
        const onNode = pods.filter((p) => p.spec.nodeName === node.metadata.name);
        const amount = (r: string): number => parseQuantity(allocatable[r] ?? '0') || 0;
        const free = Object.fromEntries(RESOURCES.map((r) => [r, amount(r) - onNode.reduce((sum, p) => sum + podRequest(p.spec, r), 0)]));
        return {
          name: node.metadata.name,
          labels: node.metadata.labels ?? {},
          free,
          pods: amount('pods') - onNode.length,
          allocatable: Object.fromEntries(RESOURCES.map((r) => [r, amount(r)])),
          scored: { cpu: onNode.reduce((sum, p) => sum + scoredRequest(p, 'cpu'), 0), memory: onNode.reduce((sum, p) => sum + scoredRequest(p, 'memory'), 0) },
        };
      })
      .sort((a, b) => a.name.localeCompare(b.name, undefined, { numeric: true }));
  }
}
