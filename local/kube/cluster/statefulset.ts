import type { KubeObject, StoreEvent } from '../store.js';
import type { Controller, ControllerHost, Target } from './host.js';
import { isTerminal, type Pod } from './pods.js';
import { ownedRevisions, pruneRevisions, revisionTemplate, syncUpdateRevision } from './revisions.js';
import { createOrdinalPod, ensureClaims, ordinalOf, REVISION_LABEL, runningAndReady, type StatefulSetSpec } from './statefulset-pods.js';
import { isAvailable, ownerTarget, writeStatus } from './workload.js';

type Revisions = { current: KubeObject; update: KubeObject };
type StatefulSetStatus = { currentRevision?: string; collisionCount?: number };

const terminating = (pod: Pod): boolean => Boolean(pod.metadata.deletionTimestamp);
const revisionOf = (pod: Pod): string | undefined => pod.metadata.labels?.[REVISION_LABEL];

/**
 * The StatefulSet controller: pods `<set>-<ordinal>` with stable identities and their claims
 * (statefulset-pods.ts), created in order and each only once the ones before it are Running and
 * Ready (OrderedReady), or all at once (Parallel); scaled down from the highest ordinal. Pod
 * templates are kept as ControllerRevisions; a RollingUpdate replaces, from the highest ordinal
 * down to the partition, one pod of the old revision at a time once all are ready; OnDelete waits
 * for the user to delete them. Status is what kstatus and `kubectl rollout status` read.
 */
export class StatefulSetController implements Controller {
  readonly name = 'statefulset';

  targetsOf(event: StoreEvent): Target[] {
    if (event.group === 'apps' && event.plural === 'statefulsets') return event.type === 'DELETED' ? [] : [event];
    if (event.group === '' && event.plural === 'pods') return ownerTarget(event, 'StatefulSet', 'apps', 'statefulsets');
    return [];
  }

  initialTargets(host: ControllerHost): Target[] {
    return host
      .list('apps', 'statefulsets')
      .map((s) => ({ group: 'apps', plural: 'statefulsets', namespace: s.metadata.namespace ?? '', name: s.metadata.name }));
  }

  reconcile(target: Target, host: ControllerHost): { afterMs: number } | undefined {
    const set = host.get('apps', 'statefulsets', target.namespace, target.name);
    if (!set || set.metadata.deletionTimestamp) return undefined;
    const spec = set.spec as StatefulSetSpec;
    const update = syncUpdateRevision(host, set, spec.template ?? {}).revision;
    const known = (set.status as StatefulSetStatus | undefined)?.currentRevision;
    const current = ownedRevisions(host, set).find((r) => r.metadata.name === known) ?? update;
    this.sync(set, { current, update }, host);
    return this.syncStatus(set, { current, update }, host);
  }

  /** One pass of the real controller's update: returns as soon as OrderedReady has to wait. */
  private sync(set: KubeObject, revisions: Revisions, host: ControllerHost): void {
    const spec = set.spec as StatefulSetSpec;
    const replicas = spec.replicas ?? 1;
    const monotonic = spec.podManagementPolicy !== 'Parallel';
    const rolling = (spec.updateStrategy?.type ?? 'RollingUpdate') === 'RollingUpdate';
    const partition = rolling ? (spec.updateStrategy?.rollingUpdate?.partition ?? 0) : 0;
    const pods = host.owned('', 'pods', set) as Pod[];
    const byOrdinal = new Map(pods.flatMap((p) => (ordinalOf(set, p) === undefined ? [] : [[ordinalOf(set, p)!, p] as const])));
    const deletePod = (pod: Pod): void => void host.rest.deleter.delete(host.type('', 'pods'), pod.metadata.namespace, pod.metadata.name);

    for (let ordinal = 0; ordinal < replicas; ordinal += 1) {
      const pod = byOrdinal.get(ordinal);
      // A finished pod of a set is replaced (its containers are not meant to exit).
      if (pod && isTerminal(pod) && !terminating(pod)) {
        deletePod(pod);
        if (monotonic) return;
        continue;
      }
      if (!pod) {
        // Below the partition a recreated pod keeps the current revision; above it, the update revision.
        const revision = ordinal < partition ? revisions.current : revisions.update;
        ensureClaims(host, set, ordinal);
        createOrdinalPod(host, set, revisionTemplate(revision), revision.metadata.name, ordinal);
        if (monotonic) return;
        continue;
      }
      if (monotonic && (terminating(pod) || !runningAndReady(pod))) return;
    }

    const condemned = pods.filter((p) => (ordinalOf(set, p) ?? Infinity) >= replicas).sort((a, b) => (ordinalOf(set, b) ?? 0) - (ordinalOf(set, a) ?? 0));
    for (const pod of condemned) {
      if (!terminating(pod)) deletePod(pod);
      if (monotonic) return;
    }

    if (!rolling) return;
    for (let ordinal = replicas - 1; ordinal >= partition; ordinal -= 1) {
      const pod = byOrdinal.get(ordinal);
      if (!pod) return;
      if (revisionOf(pod) !== revisions.update.metadata.name && !terminating(pod)) {
        deletePod(pod);
        return;
      }
      if (terminating(pod) || !runningAndReady(pod)) return;
    }
  }

  private syncStatus(set: KubeObject, revisions: Revisions, host: ControllerHost): { afterMs: number } | undefined {
    const spec = set.spec as StatefulSetSpec;
    const pods = host.owned('', 'pods', set) as Pod[];
    const minReady = spec.minReadySeconds ?? 0;
    const live = pods.filter((p) => !terminating(p));
    const ready = pods.filter(runningAndReady).length;
    let currentReplicas = live.filter((p) => revisionOf(p) === revisions.current.metadata.name).length;
    const updatedReplicas = live.filter((p) => revisionOf(p) === revisions.update.metadata.name).length;
    let currentRevision = revisions.current.metadata.name;
    // A finished rolling update makes the update revision the current one.
    if ((spec.updateStrategy?.type ?? 'RollingUpdate') === 'RollingUpdate' && updatedReplicas === pods.length && ready === pods.length) {
      currentReplicas = updatedReplicas;
      currentRevision = revisions.update.metadata.name;
    }
    pruneRevisions(
      host,
      set,
      new Set([currentRevision, revisions.update.metadata.name, ...pods.flatMap((p) => revisionOf(p) ?? [])]),
      spec.revisionHistoryLimit ?? 10,
    );
    writeStatus(host, 'apps', 'statefulsets', set, {
      observedGeneration: set.metadata.generation,
      replicas: pods.length,
      readyReplicas: ready,
      currentReplicas,
      updatedReplicas,
      currentRevision,
      updateRevision: revisions.update.metadata.name,
      collisionCount: (set.status as StatefulSetStatus | undefined)?.collisionCount ?? 0,
      availableReplicas: pods.filter((p) => runningAndReady(p) && isAvailable(p, minReady)).length,
    });
    const waiting = minReady > 0 && pods.some((p) => runningAndReady(p) && !isAvailable(p, minReady));
    return waiting ? { afterMs: 1000 } : undefined;
  }
}
