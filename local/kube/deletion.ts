import { removeCustomTypes } from './crd.js';
import { conflict, notFound } from './errors.js';
import type { KubeRest } from './rest.js';
import { groupVersionOf, type ResourceType } from './resources.js';
import { fieldMatcher, labelMatcher } from './selectors.js';
import type { KubeObject, ObjectKey } from './store.js';

export const PROPAGATION = { background: 'Background', foreground: 'Foreground', orphan: 'Orphan' } as const;
export type PropagationPolicy = (typeof PROPAGATION)[keyof typeof PROPAGATION];

/** The DeleteOptions fields honoured, from the query string or the (JSON or protobuf) body. */
export type DeleteOptions = {
  propagationPolicy?: PropagationPolicy;
  orphanDependents?: boolean;
  dryRun?: boolean;
  /** For pods on a node: how long the kubelet has to stop them; 0 removes the pod at once. */
  gracePeriodSeconds?: number;
  preconditions?: { uid?: string; resourceVersion?: string };
};

const now = (): string => new Date().toISOString().replace(/\.\d+Z$/, 'Z');

/**
 * Deletion with the garbage collector folded in. There is no asynchronous GC controller yet, so
 * dependents (objects whose `ownerReferences` name the deleted uid) are handled synchronously:
 * Background and Foreground delete them (Foreground first, then the owner), Orphan strips the
 * owner reference. An object with finalizers only gets a `deletionTimestamp`; it goes when an
 * update empties its finalizers (see `finishDeletion`).
 */
export class Deleter {
  constructor(private readonly rest: KubeRest) {}

  delete(type: ResourceType, namespace: string | undefined, name: string, options: DeleteOptions = {}): KubeObject {
    const key = this.rest.key(type, namespace, name);
    const live = this.rest.store.get(key);
    if (!live) throw notFound(type.plural, type.group, name);
    const { uid, resourceVersion } = options.preconditions ?? {};
    if ((uid && uid !== live.metadata.uid) || (resourceVersion && resourceVersion !== live.metadata.resourceVersion))
      throw conflict(type.plural, type.group, name, 'the precondition for the delete was not met');
    if (options.dryRun) return live;
    if (this.graceful(type, live, options)) {
      if (live.metadata.deletionTimestamp) return live;
      const grace = options.gracePeriodSeconds ?? (live.spec as { terminationGracePeriodSeconds?: number } | undefined)?.terminationGracePeriodSeconds ?? 30;
      const deadline = new Date(Date.now() + grace * 1000).toISOString().replace(/\.\d+Z$/, 'Z');
      return this.rest.store.put(key, { ...live, metadata: { ...live.metadata, deletionTimestamp: deadline, deletionGracePeriodSeconds: grace } });
    }
    const policy = options.propagationPolicy ?? (options.orphanDependents ? PROPAGATION.orphan : PROPAGATION.background);
    return this.remove(type, key, live, policy);
  }

  /** DELETE on a collection: every object the selectors match, each as a single delete. */
  deleteCollection(type: ResourceType, namespace: string | undefined, query: URLSearchParams, options: DeleteOptions = {}): Record<string, unknown> {
    const labels = labelMatcher(query.get('labelSelector'));
    const fields = fieldMatcher(query.get('fieldSelector'));
    const items = this.rest.store
      .list(type.group, type.plural, type.namespaced ? namespace : undefined)
      .filter((o) => labels(o) && fields(o))
      .map((o) => this.delete(type, o.metadata.namespace, o.metadata.name, options));
    return {
      kind: `${type.kind}List`,
      apiVersion: groupVersionOf(type),
      metadata: { resourceVersion: String(this.rest.store.resourceVersion) },
      items,
    };
  }

  /**
   * Pods running on a node are deleted gracefully: they get a deletionTimestamp and the kubelet
   * removes them once their containers have stopped. Unscheduled and finished pods, and a grace
   * period of 0 (`kubectl delete --force --grace-period=0`, the kubelet's own delete), go at once.
   */
  private graceful(type: ResourceType, live: KubeObject, options: DeleteOptions): boolean {
    if (type.group !== '' || type.kind !== 'Pod' || options.gracePeriodSeconds === 0) return false;
    const pod = live as KubeObject & { spec?: { nodeName?: string }; status?: { phase?: string } };
    return Boolean(pod.spec?.nodeName) && pod.status?.phase !== 'Succeeded' && pod.status?.phase !== 'Failed';
  }

  /** Called after a write: an object marked for deletion whose finalizers are now empty goes away. */
  finishDeletion(type: ResourceType, stored: KubeObject): boolean {
    if (!stored.metadata.deletionTimestamp || stored.metadata.finalizers?.length) return false;
    this.remove(type, this.rest.key(type, stored.metadata.namespace, stored.metadata.name), stored, PROPAGATION.background);
    return true;
  }

  private remove(type: ResourceType, key: ObjectKey, live: KubeObject, policy: PropagationPolicy): KubeObject {
    const finalizers = (live.metadata.finalizers ?? []).filter((f) => f !== 'kubernetes' && f !== 'foregroundDeletion' && f !== 'orphan');
    if (finalizers.length) {
      if (live.metadata.deletionTimestamp) return live;
      return this.rest.store.put(key, { ...live, metadata: { ...live.metadata, finalizers, deletionTimestamp: now() } });
    }
    if (type.kind === 'Namespace') this.emptyNamespace(live.metadata.name);
    this.collectDependents(live.metadata.uid, policy);
    if (type.kind === 'CustomResourceDefinition') removeCustomTypes(this.rest, live);
    return this.rest.store.remove(key) ?? live;
  }

  // A namespace takes everything in it along, like the namespace controller does (synchronously here).
  private emptyNamespace(namespace: string): void {
    for (const type of this.rest.registry.all()) {
      if (!type.namespaced || type.readOnly) continue;
      for (const object of this.rest.store.list(type.group, type.plural, namespace)) {
        const key = this.rest.key(type, namespace, object.metadata.name);
        this.collectDependents(object.metadata.uid, PROPAGATION.background);
        if (this.rest.store.get(key)) this.rest.store.remove(key);
      }
    }
  }

  private collectDependents(uid: string | undefined, policy: PropagationPolicy): void {
    if (!uid) return;
    const dependents = [...this.rest.store.entries()].filter(([, o]) => o.metadata.ownerReferences?.some((r) => r.uid === uid));
    for (const [key, dependent] of dependents) {
      const owners = (dependent.metadata.ownerReferences ?? []).filter((r) => r.uid !== uid);
      const type = this.rest.registry.all().find((t) => t.group === key.group && t.plural === key.plural);
      // A dependent with another owner still alive only loses the reference, as with Orphan.
      if (policy === PROPAGATION.orphan || owners.length > 0 || !type) {
        this.rest.store.put(key, { ...dependent, metadata: { ...dependent.metadata, ownerReferences: owners.length ? owners : undefined } });
      } else this.remove(type, key, dependent, policy);
    }
  }
}
