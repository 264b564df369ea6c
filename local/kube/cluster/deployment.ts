import type { KubeObject, StoreEvent } from '../store.js';
import type { EventRecorder } from './events.js';
import type { Controller, ControllerHost, Target } from './host.js';
import { now } from './pods.js';
import { canonicalJson, ownerRef, ownerTarget, templateHash, writeStatus, type LabelSelector, type Template } from './workload.js';

type DeploymentSpec = {
  replicas?: number;
  paused?: boolean;
  minReadySeconds?: number;
  progressDeadlineSeconds?: number;
  revisionHistoryLimit?: number;
  selector?: LabelSelector;
  template?: Template;
  strategy?: { type?: 'RollingUpdate' | 'Recreate'; rollingUpdate?: { maxSurge?: number | string; maxUnavailable?: number | string } };
};
type RsStatus = { replicas?: number; readyReplicas?: number; availableReplicas?: number };
type Condition = { type: string; status: string; reason: string; message: string; lastUpdateTime: string; lastTransitionTime: string };
type DeploymentStatus = {
  observedGeneration?: number;
  replicas?: number;
  updatedReplicas?: number;
  readyReplicas?: number;
  availableReplicas?: number;
  unavailableReplicas?: number;
  conditions?: Condition[];
  collisionCount?: number;
};

const REVISION = 'deployment.kubernetes.io/revision';
const SOURCE = { component: 'deployment-controller' };
const HASH = 'pod-template-hash';
const withoutHash = (template: Template | undefined): Template | undefined => {
  if (!template?.metadata?.labels) return template;
  const { [HASH]: _hash, ...labels } = template.metadata.labels;
  return { ...template, metadata: { ...template.metadata, labels } };
};
const revisionOf = (rs: KubeObject): number => Number(rs.metadata.annotations?.[REVISION] ?? 0);
const replicasOf = (rs: KubeObject): number => (rs.spec as { replicas?: number }).replicas ?? 0;
const statusOf = (rs: KubeObject): RsStatus => rs.status ?? {};

/** maxSurge / maxUnavailable: an int, or a percentage of the desired replicas (surge rounds up, unavailable down). */
export function resolveFraction(value: number | string | undefined, fallback: string, total: number, roundUp: boolean): number {
  const raw = value ?? fallback;
  if (typeof raw === 'number') return raw;
  const percent = /^(\d+)%$/.exec(raw);
  if (!percent) return Number(raw) || 0;
  const exact = (Number(percent[1]) * total) / 100;
  return roundUp ? Math.ceil(exact) : Math.floor(exact);
}

/**
 * The Deployment controller: one ReplicaSet per pod template (`<name>-<pod-template-hash>`, with the
 * `deployment.kubernetes.io/revision` annotation), a rolling update within maxSurge/maxUnavailable
 * (or Recreate), old ReplicaSets pruned to revisionHistoryLimit, and the status kstatus, helm and
 * `kubectl rollout status` read: observedGeneration, replica counts, and the `Available` and
 * `Progressing` conditions — `ProgressDeadlineExceeded` once progressDeadlineSeconds (real seconds)
 * pass without progress.
 */
export class DeploymentController implements Controller {
  readonly name = 'deployment';
  constructor(private readonly events: EventRecorder) {}

  targetsOf(event: StoreEvent, host: ControllerHost): Target[] {
    if (event.group === 'apps' && event.plural === 'deployments') return event.type === 'DELETED' ? [] : [event];
    if (event.group === 'apps' && event.plural === 'replicasets') return ownerTarget(event, 'Deployment', 'apps', 'deployments');
    // Recreate waits for the old pods to be gone, terminating ones included: their removal is news.
    if (event.group === '' && event.plural === 'pods' && event.type === 'DELETED')
      return ownerTarget(event, 'ReplicaSet', 'apps', 'replicasets').flatMap((rs) => {
        const owner = host.get('apps', 'replicasets', rs.namespace, rs.name);
        return owner ? ownerTarget({ ...event, object: owner }, 'Deployment', 'apps', 'deployments') : [];
      });
    return [];
  }

  initialTargets(host: ControllerHost): Target[] {
    return host
      .list('apps', 'deployments')
      .map((d) => ({ group: 'apps', plural: 'deployments', namespace: d.metadata.namespace ?? '', name: d.metadata.name }));
  }

  reconcile(target: Target, host: ControllerHost): { afterMs: number } | undefined {
    const deployment = host.get('apps', 'deployments', target.namespace, target.name);
    if (!deployment || deployment.metadata.deletionTimestamp) return undefined;
    const spec = deployment.spec as DeploymentSpec;
    const replicas = spec.replicas ?? 1;
    const rsType = host.type('apps', 'replicasets');
    const hash = templateHash(spec.template);
    let sets = host.owned('apps', 'replicasets', deployment).sort((a, b) => revisionOf(a) - revisionOf(b));
    // The new ReplicaSet is the one whose template equals the Deployment's, hash label aside (as in Kubernetes).
    const wanted = canonicalJson(spec.template);
    let newRs =
      sets.find((rs) => rs.metadata.labels?.[HASH] === hash) ??
      sets.find((rs) => canonicalJson(withoutHash((rs.spec as { template?: Template }).template)) === wanted);
    const maxRevision = Math.max(0, ...sets.map(revisionOf));
    let created = false;
    const scale = (rs: KubeObject, count: number, extra: Record<string, string> = {}): KubeObject => {
      const annotations = { ...rs.metadata.annotations, ...extra, 'deployment.kubernetes.io/desired-replicas': String(replicas) };
      if (replicasOf(rs) === count && JSON.stringify(annotations) === JSON.stringify(rs.metadata.annotations)) return rs;
      if (replicasOf(rs) !== count)
        this.events.record(
          deployment,
          'Normal',
          'ScalingReplicaSet',
          `Scaled ${count > replicasOf(rs) ? 'up' : 'down'} replica set ${rs.metadata.name} from ${replicasOf(rs)} to ${count}`,
          SOURCE,
        );
      return host.rest.replace(rsType, rs, { ...rs, metadata: { ...rs.metadata, annotations }, spec: { ...(rs.spec as object), replicas: count } }, {});
    };
    const rolling = (spec.strategy?.type ?? 'RollingUpdate') === 'RollingUpdate';
    let maxSurge = rolling ? resolveFraction(spec.strategy?.rollingUpdate?.maxSurge, '25%', replicas, true) : 0;
    let maxUnavailable = rolling ? resolveFraction(spec.strategy?.rollingUpdate?.maxUnavailable, '25%', replicas, false) : replicas;
    if (rolling && maxSurge === 0 && maxUnavailable === 0) maxUnavailable = 1;
    maxSurge = Math.max(0, maxSurge);
    maxUnavailable = Math.min(Math.max(0, maxUnavailable), replicas);

    if (!spec.paused) {
      if (!newRs) {
        const template = structuredClone(spec.template ?? {});
        template.metadata = { ...template.metadata, labels: { ...template.metadata?.labels, [HASH]: hash } };
        const selector = { ...spec.selector, matchLabels: { ...spec.selector?.matchLabels, [HASH]: hash } };
        newRs = host.rest.create(rsType, deployment.metadata.namespace, {
          metadata: {
            name: `${deployment.metadata.name}-${hash}`,
            namespace: deployment.metadata.namespace,
            labels: template.metadata.labels,
            annotations: {
              [REVISION]: String(maxRevision + 1),
              'deployment.kubernetes.io/desired-replicas': String(replicas),
              'deployment.kubernetes.io/max-replicas': String(replicas + maxSurge),
            },
            ownerReferences: [ownerRef(deployment)],
          },
          spec: { replicas: 0, minReadySeconds: spec.minReadySeconds ?? 0, selector, template },
        });
        created = true;
        sets = [...sets, newRs];
      } else if (revisionOf(newRs) < maxRevision) newRs = scale(newRs, replicasOf(newRs), { [REVISION]: String(maxRevision + 1) });
      const old = sets.filter((rs) => rs.metadata.uid !== newRs!.metadata.uid).sort((a, b) => revisionOf(a) - revisionOf(b));
      if (rolling) this.rollingUpdate(newRs, old, replicas, maxSurge, maxUnavailable, scale, host);
      else this.recreate(newRs, old, replicas, scale, host);
      this.pruneHistory(old, spec.revisionHistoryLimit ?? 10, host);
    }
    const current = host.owned('apps', 'replicasets', deployment);
    const fresh = newRs && current.find((rs) => rs.metadata.uid === newRs.metadata.uid);
    if (fresh && deployment.metadata.annotations?.[REVISION] !== String(revisionOf(fresh))) {
      const annotations = { ...deployment.metadata.annotations, [REVISION]: String(revisionOf(fresh)) };
      host.rest.replace(host.type('apps', 'deployments'), deployment, { ...deployment, metadata: { ...deployment.metadata, annotations } }, {});
    }
    const live = host.get('apps', 'deployments', target.namespace, target.name)!;
    return this.syncStatus(live, current, fresh, replicas, maxUnavailable, created, host);
  }

  private rollingUpdate(
    newRs: KubeObject,
    old: KubeObject[],
    replicas: number,
    maxSurge: number,
    maxUnavailable: number,
    scale: (rs: KubeObject, count: number) => KubeObject,
    _host: ControllerHost,
  ): void {
    const all = [newRs, ...old];
    const total = all.reduce((sum, rs) => sum + replicasOf(rs), 0);
    const wantNew = replicasOf(newRs) > replicas ? replicas : Math.min(replicas, replicasOf(newRs) + Math.max(0, replicas + maxSurge - total));
    const scaledNew = scale(newRs, wantNew);
    // Old ReplicaSets shrink only as far as availability allows: first their unavailable pods, then ready ones.
    const minAvailable = replicas - maxUnavailable;
    const newUnavailable = replicasOf(scaledNew) - (statusOf(scaledNew).availableReplicas ?? 0);
    let budget = total - (replicasOf(newRs) - replicasOf(scaledNew)) - minAvailable - newUnavailable;
    for (const rs of old) {
      if (budget <= 0) break;
      const unhealthy = Math.max(0, replicasOf(rs) - (statusOf(rs).availableReplicas ?? 0));
      const cut = Math.min(unhealthy, budget);
      if (cut > 0) {
        scale(rs, replicasOf(rs) - cut);
        budget -= cut;
      }
    }
    const available = all.reduce((sum, rs) => sum + (statusOf(rs).availableReplicas ?? 0), 0);
    let scaleDown = available - minAvailable;
    for (const rs of old.map((o) => _host.get('apps', 'replicasets', o.metadata.namespace ?? '', o.metadata.name)).filter((o): o is KubeObject => !!o)) {
      if (scaleDown <= 0) break;
      const cut = Math.min(replicasOf(rs), scaleDown);
      if (cut > 0) {
        scale(rs, replicasOf(rs) - cut);
        scaleDown -= cut;
      }
    }
  }

  private recreate(newRs: KubeObject, old: KubeObject[], replicas: number, scale: (rs: KubeObject, count: number) => KubeObject, host: ControllerHost): void {
    for (const rs of old) if (replicasOf(rs) > 0) scale(rs, 0);
    const oldPods = old.some((rs) => (statusOf(rs).replicas ?? 0) > 0 || host.owned('', 'pods', rs).length > 0);
    if (!oldPods) scale(newRs, replicas);
  }

  private pruneHistory(old: KubeObject[], limit: number, host: ControllerHost): void {
    const idle = old.filter((rs) => replicasOf(rs) === 0 && (statusOf(rs).replicas ?? 0) === 0);
    for (const rs of idle.slice(0, Math.max(0, idle.length - limit)))
      host.rest.deleter.delete(host.type('apps', 'replicasets'), rs.metadata.namespace, rs.metadata.name);
  }

  private syncStatus(
    deployment: KubeObject,
    sets: KubeObject[],
    newRs: KubeObject | undefined,
    replicas: number,
    maxUnavailable: number,
    created: boolean,
    host: ControllerHost,
  ): { afterMs: number } | undefined {
    const spec = deployment.spec as DeploymentSpec;
    const previous = (deployment.status ?? {}) as DeploymentStatus;
    const sum = (field: keyof RsStatus): number => sets.reduce((total, rs) => total + (statusOf(rs)[field] ?? 0), 0);
    const status: DeploymentStatus = {
      observedGeneration: deployment.metadata.generation,
      replicas: sum('replicas'),
      updatedReplicas: newRs ? (statusOf(newRs).replicas ?? 0) : 0,
      readyReplicas: sum('readyReplicas'),
      availableReplicas: sum('availableReplicas'),
      unavailableReplicas: Math.max(0, replicas - sum('availableReplicas')),
    };
    const stamp = now();
    const conditions = [...(previous.conditions ?? [])];
    const set = (next: Omit<Condition, 'lastUpdateTime' | 'lastTransitionTime'>, touch: boolean): void => {
      const index = conditions.findIndex((c) => c.type === next.type);
      const old = conditions[index];
      const same = old && old.status === next.status && old.reason === next.reason;
      const condition: Condition = {
        ...next,
        lastUpdateTime: same && !touch ? old.lastUpdateTime : stamp,
        lastTransitionTime: old && old.status === next.status ? old.lastTransitionTime : stamp,
      };
      if (index >= 0) conditions[index] = condition;
      else conditions.push(condition);
    };
    const available = (status.availableReplicas ?? 0) >= replicas - maxUnavailable;
    set(
      available
        ? { type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable', message: 'Deployment has minimum availability.' }
        : { type: 'Available', status: 'False', reason: 'MinimumReplicasUnavailable', message: 'Deployment does not have minimum availability.' },
      false,
    );
    const rsName = newRs?.metadata.name ?? '';
    const complete = status.updatedReplicas === replicas && status.availableReplicas === replicas && status.replicas === replicas;
    const progressed =
      (status.updatedReplicas ?? 0) > (previous.updatedReplicas ?? 0) ||
      (status.availableReplicas ?? 0) > (previous.availableReplicas ?? 0) ||
      (status.readyReplicas ?? 0) > (previous.readyReplicas ?? 0) ||
      (status.replicas ?? 0) < (previous.replicas ?? 0) ||
      previous.observedGeneration !== status.observedGeneration;
    const progressing = conditions.find((c) => c.type === 'Progressing');
    const deadline = (spec.progressDeadlineSeconds ?? 600) * 1000;
    let requeue: number | undefined;
    if (spec.paused) set({ type: 'Progressing', status: 'Unknown', reason: 'DeploymentPaused', message: 'Deployment is paused' }, false);
    else if (complete)
      set(
        { type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable', message: `ReplicaSet "${rsName}" has successfully progressed.` },
        progressing?.reason !== 'NewReplicaSetAvailable',
      );
    else if (created) set({ type: 'Progressing', status: 'True', reason: 'NewReplicaSetCreated', message: `Created new replica set "${rsName}"` }, true);
    else if (progressed || !progressing || progressing.reason === 'NewReplicaSetAvailable')
      set({ type: 'Progressing', status: 'True', reason: 'ReplicaSetUpdated', message: `ReplicaSet "${rsName}" is progressing.` }, true);
    else if (progressing.status === 'True') {
      const since = Date.parse(progressing.lastUpdateTime);
      if (Date.now() - since >= deadline)
        set({ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded', message: `ReplicaSet "${rsName}" has timed out progressing.` }, true);
      else requeue = since + deadline - Date.now();
    }
    const after = conditions.find((c) => c.type === 'Progressing');
    if (after?.status === 'True' && !complete && requeue === undefined) requeue = deadline;
    conditions.sort((a, b) => (a.type === 'Available' ? -1 : b.type === 'Available' ? 1 : 0));
    writeStatus(host, 'apps', 'deployments', deployment, {
      ...status,
      conditions,
      ...(previous.collisionCount ? { collisionCount: previous.collisionCount } : {}),
    });
    return requeue === undefined ? undefined : { afterMs: Math.max(1, requeue) };
  }
}
