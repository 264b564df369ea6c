import type { KubeObject, StoreEvent } from '../store.js';
import type { Controller, ControllerHost, Target } from './host.js';
import { isReady, isTerminal, type Pod } from './pods.js';
import { pruneRevisions, revisionTemplate, syncUpdateRevision } from './revisions.js';
import { resolveFraction } from './deployment.js';
import { createPod, deletionOrder, isAvailable, ownerTarget, randomSuffix, writeStatus, type LabelSelector, type Template } from './workload.js';

type DaemonSetSpec = {
  selector?: LabelSelector;
  template?: Template;
  minReadySeconds?: number;
  revisionHistoryLimit?: number;
  updateStrategy?: { type?: 'RollingUpdate' | 'OnDelete'; rollingUpdate?: { maxUnavailable?: number | string } };
};
type Taint = { key: string; value?: string; effect: string };
type Toleration = { key?: string; operator?: string; value?: string; effect?: string };
type Node = KubeObject & { spec?: { taints?: Taint[] } };

const HASH_LABEL = 'controller-revision-hash';
const GENERATION_LABEL = 'pod-template-generation';

// The tolerations the DaemonSet controller adds to every daemon pod, so node conditions do not evict it.
const DAEMON_TOLERATIONS = [
  { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute' },
  { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' },
  { key: 'node.kubernetes.io/disk-pressure', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/memory-pressure', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/pid-pressure', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' },
];

/** The node affinity the controller gives a daemon pod: this node and no other (by `metadata.name`). */
const nodeAffinity = (node: string): Record<string, unknown> => ({
  nodeAffinity: {
    requiredDuringSchedulingIgnoredDuringExecution: {
      nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: [node] }] }],
    },
  },
});

const tolerates = (tolerations: Toleration[], taint: Taint): boolean =>
  tolerations.some(
    (t) =>
      (!t.effect || t.effect === taint.effect) &&
      (t.operator === 'Exists' ? !t.key || t.key === taint.key : t.key === taint.key && (t.value ?? '') === (taint.value ?? '')),
  );

/**
 * Whether a daemon pod belongs on the node: the template's nodeSelector matches, and every
 * NoSchedule/NoExecute taint is tolerated (a cordoned node's `unschedulable` taint always is, so
 * daemons keep running there, as in Kubernetes).
 */
const shouldRun = (spec: DaemonSetSpec, node: Node): boolean => {
  const tolerations = [...((spec.template?.spec?.tolerations ?? []) as Toleration[]), ...DAEMON_TOLERATIONS];
  return (
    Object.entries(spec.template?.spec?.nodeSelector ?? {}).every(([k, v]) => node.metadata.labels?.[k] === v) &&
    (node.spec?.taints ?? []).every((taint) => taint.effect === 'PreferNoSchedule' || tolerates(tolerations, taint))
  );
};

/**
 * The DaemonSet controller: one pod (`<ds>-<5 chars>`) on every node that should run it, bound to
 * its node directly (spec.nodeName plus the node affinity the real controller sets; the scheduler
 * is not involved), surplus and misplaced pods deleted. Templates are ControllerRevisions; a
 * RollingUpdate replaces old-revision pods while at most maxUnavailable nodes lack an available
 * pod. Status: the scheduled/ready/available/updated counts kstatus and `kubectl rollout status` read.
 */
export class DaemonSetController implements Controller {
  readonly name = 'daemonset';

  targetsOf(event: StoreEvent, host: ControllerHost): Target[] {
    if (event.group === 'apps' && event.plural === 'daemonsets') return event.type === 'DELETED' ? [] : [event];
    if (event.group === '' && event.plural === 'pods') return ownerTarget(event, 'DaemonSet', 'apps', 'daemonsets');
    // A node added, removed, relabelled or (un)cordoned changes where daemons run.
    if (event.group === '' && event.plural === 'nodes') return this.initialTargets(host);
    return [];
  }

  initialTargets(host: ControllerHost): Target[] {
    return host.list('apps', 'daemonsets').map((d) => ({ group: 'apps', plural: 'daemonsets', namespace: d.metadata.namespace ?? '', name: d.metadata.name }));
  }

  reconcile(target: Target, host: ControllerHost): { afterMs: number } | undefined {
    const ds = host.get('apps', 'daemonsets', target.namespace, target.name);
    if (!ds || ds.metadata.deletionTimestamp) return undefined;
    const spec = ds.spec as DaemonSetSpec;
    const { revision, hash } = syncUpdateRevision(host, ds, spec.template ?? {});
    const nodes = (host.list('', 'nodes') as Node[]).sort((a, b) => a.metadata.name.localeCompare(b.metadata.name, undefined, { numeric: true }));
    const eligible = nodes.filter((n) => shouldRun(spec, n));
    const minReady = spec.minReadySeconds ?? 0;
    const podsOn = (node: string): Pod[] =>
      (host.owned('', 'pods', ds) as Pod[]).filter((p) => p.spec.nodeName === node && !p.metadata.deletionTimestamp && !isTerminal(p));
    const deletePod = (pod: Pod): void => void host.rest.deleter.delete(host.type('', 'pods'), pod.metadata.namespace, pod.metadata.name);
    const template = revisionTemplate(revision);

    for (const pod of host.owned('', 'pods', ds) as Pod[]) {
      const misplaced = !eligible.some((n) => n.metadata.name === pod.spec.nodeName);
      // A failed daemon pod is replaced, as the real controller does.
      if (!pod.metadata.deletionTimestamp && (misplaced || pod.status?.phase === 'Failed')) deletePod(pod);
    }
    for (const node of eligible) {
      const pods = podsOn(node.metadata.name);
      if (pods.length > 1) for (const extra of [...pods].sort(deletionOrder).slice(0, pods.length - 1)) deletePod(extra);
      // As in Kubernetes, a pod still terminating on the node does not hold back its replacement.
      if (pods.length === 0) this.createDaemonPod(host, ds, template, hash, node.metadata.name);
    }
    if ((spec.updateStrategy?.type ?? 'RollingUpdate') === 'RollingUpdate') this.rollingUpdate(host, ds, eligible, hash, podsOn, deletePod);

    const fresh = host.owned('', 'pods', ds) as Pod[];
    const eligibleNames = new Set(eligible.map((n) => n.metadata.name));
    const onEligible = fresh.filter((p) => eligibleNames.has(p.spec.nodeName ?? '') && !isTerminal(p));
    const nodesWith = (test: (p: Pod) => boolean): number =>
      eligible.filter((n) => onEligible.some((p) => p.spec.nodeName === n.metadata.name && test(p))).length;
    const available = nodesWith((p) => isAvailable(p, minReady));
    pruneRevisions(
      host,
      ds,
      new Set(fresh.map((p) => `${ds.metadata.name}-${p.metadata.labels?.[HASH_LABEL] ?? ''}`).concat(revision.metadata.name)),
      spec.revisionHistoryLimit ?? 10,
    );
    writeStatus(host, 'apps', 'daemonsets', ds, {
      currentNumberScheduled: nodesWith(() => true),
      numberMisscheduled: new Set(fresh.filter((p) => p.spec.nodeName && !eligibleNames.has(p.spec.nodeName)).map((p) => p.spec.nodeName)).size,
      desiredNumberScheduled: eligible.length,
      numberReady: nodesWith(isReady),
      observedGeneration: ds.metadata.generation,
      updatedNumberScheduled: nodesWith((p) => p.metadata.labels?.[HASH_LABEL] === hash),
      numberAvailable: available,
      ...(eligible.length - available > 0 ? { numberUnavailable: eligible.length - available } : {}),
    });
    const waiting = minReady > 0 && onEligible.some((p) => isReady(p) && !isAvailable(p, minReady));
    return waiting ? { afterMs: 1000 } : undefined;
  }

  private createDaemonPod(host: ControllerHost, ds: KubeObject, template: Template, hash: string, node: string): void {
    const own = (template.spec?.tolerations ?? []) as Toleration[];
    createPod(host, ds, template, `${ds.metadata.name}-${randomSuffix()}`, {
      labels: { [HASH_LABEL]: hash, [GENERATION_LABEL]: String(ds.metadata.generation ?? 1) },
      spec: {
        nodeName: node,
        affinity: { ...(template.spec?.affinity as Record<string, unknown> | undefined), ...nodeAffinity(node) },
        tolerations: [...own, ...DAEMON_TOLERATIONS.filter((t) => !own.some((o) => o.key === t.key))],
      },
    });
  }

  /** Replaces old-revision pods: unavailable ones at once, available ones while fewer than maxUnavailable nodes lack an available pod. */
  private rollingUpdate(
    host: ControllerHost,
    ds: KubeObject,
    eligible: Node[],
    hash: string,
    podsOn: (node: string) => Pod[],
    deletePod: (pod: Pod) => void,
  ): void {
    const spec = ds.spec as DaemonSetSpec;
    const minReady = spec.minReadySeconds ?? 0;
    const maxUnavailable = Math.max(1, resolveFraction(spec.updateStrategy?.rollingUpdate?.maxUnavailable, '1', eligible.length, true));
    let unavailable = eligible.filter((n) => !podsOn(n.metadata.name).some((p) => isAvailable(p, minReady))).length;
    for (const node of eligible) {
      const old = podsOn(node.metadata.name).filter((p) => p.metadata.labels?.[HASH_LABEL] !== hash);
      for (const pod of old) {
        if (!isAvailable(pod, minReady)) deletePod(pod);
        else if (unavailable < maxUnavailable) {
          deletePod(pod);
          unavailable += 1;
        }
      }
    }
  }
}
