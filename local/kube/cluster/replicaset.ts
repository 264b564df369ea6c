import type { StoreEvent } from '../store.js';
import type { EventRecorder } from './events.js';
import type { Controller, ControllerHost, Target } from './host.js';
import { isReady, type Pod } from './pods.js';
import {
  activePods,
  createPod,
  deletionOrder,
  isAvailable,
  ownerTarget,
  randomSuffix,
  selectorMatches,
  writeStatus,
  type LabelSelector,
  type Template,
} from './workload.js';

const SOURCE = { component: 'replicaset-controller' };

type ReplicaSetSpec = { replicas?: number; minReadySeconds?: number; selector?: LabelSelector; template?: Template };

/**
 * The ReplicaSet controller: keeps `spec.replicas` pods of the template (named `<rs>-<5 chars>`),
 * deleting surplus ones in Kubernetes' order, and reports replicas, fullyLabeledReplicas,
 * readyReplicas, availableReplicas and observedGeneration.
 */
export class ReplicaSetController implements Controller {
  readonly name = 'replicaset';
  constructor(private readonly events: EventRecorder) {}

  targetsOf(event: StoreEvent): Target[] {
    if (event.group === 'apps' && event.plural === 'replicasets') return event.type === 'DELETED' ? [] : [event];
    if (event.group === '' && event.plural === 'pods') return ownerTarget(event, 'ReplicaSet', 'apps', 'replicasets');
    return [];
  }

  initialTargets(host: ControllerHost): Target[] {
    return host
      .list('apps', 'replicasets')
      .map((rs) => ({ group: 'apps', plural: 'replicasets', namespace: rs.metadata.namespace ?? '', name: rs.metadata.name }));
  }

  reconcile(target: Target, host: ControllerHost): { afterMs: number } | undefined {
    const rs = host.get('apps', 'replicasets', target.namespace, target.name);
    if (!rs || rs.metadata.deletionTimestamp) return undefined;
    const spec = rs.spec as ReplicaSetSpec;
    const pods = activePods(host.owned('', 'pods', rs) as Pod[]);
    const want = spec.replicas ?? 1;
    if (pods.length < want)
      for (let i = pods.length; i < want; i += 1) {
        const pod = createPod(host, rs, spec.template ?? {}, `${rs.metadata.name}-${randomSuffix()}`);
        this.events.record(rs, 'Normal', 'SuccessfulCreate', `Created pod: ${pod.metadata.name}`, SOURCE);
        pods.push(pod);
      }
    else if (pods.length > want) {
      const surplus = [...pods].sort(deletionOrder).slice(0, pods.length - want);
      for (const pod of surplus) {
        host.rest.deleter.delete(host.type('', 'pods'), pod.metadata.namespace, pod.metadata.name);
        this.events.record(rs, 'Normal', 'SuccessfulDelete', `Deleted pod: ${pod.metadata.name}`, SOURCE);
      }
      pods.splice(0, pods.length, ...pods.filter((p) => !surplus.includes(p)));
    }
    const minReady = spec.minReadySeconds ?? 0;
    const available = pods.filter((p) => isAvailable(p, minReady)).length;
    writeStatus(host, 'apps', 'replicasets', rs, {
      replicas: pods.length,
      fullyLabeledReplicas: pods.filter((p) => selectorMatches(spec.selector, p.metadata.labels)).length,
      readyReplicas: pods.filter(isReady).length,
      availableReplicas: available,
      observedGeneration: rs.metadata.generation,
    });
    // A pod ready but not yet for minReadySeconds becomes available later without any event.
    const waiting = minReady > 0 && pods.some((p) => isReady(p) && !isAvailable(p, minReady));
    return waiting ? { afterMs: 1000 } : undefined;
  }
}
