import { randomBytes } from 'node:crypto';
import type { KubeRest } from '../rest.js';
import type { KubeObject } from '../store.js';

const now = (): string => new Date().toISOString().replace(/\.\d+Z$/, 'Z');

export type EventSource = { component: string; host?: string };

/**
 * Records core/v1 Events the way client-go's recorder does: one Event per involved object, reason
 * and message, whose `count` and `lastTimestamp` move when it repeats (a BackOff every restart).
 * `kubectl describe` lists them by `involvedObject` field selectors.
 */
export class EventRecorder {
  constructor(private readonly rest: KubeRest) {}

  /** `fieldPath` names the part of the object, as kubelets do for a container (`spec.containers{web}`). */
  record(object: KubeObject, type: 'Normal' | 'Warning', reason: string, message: string, source: EventSource, fieldPath?: string): void {
    const namespace = object.metadata.namespace ?? 'default';
    const events = this.rest.registry.find('', 'v1', 'events')!;
    const existing = this.rest.store
      .list('', 'events', namespace)
      .find(
        (e) =>
          (e.involvedObject as { uid?: string } | undefined)?.uid === object.metadata.uid &&
          e.reason === reason &&
          e.message === message &&
          (e.source as EventSource | undefined)?.component === source.component,
      );
    if (existing) {
      this.rest.replace(events, existing, { ...existing, count: Number(existing.count ?? 1) + 1, lastTimestamp: now() }, {});
      return;
    }
    const stamp = now();
    this.rest.create(events, namespace, {
      metadata: { name: `${object.metadata.name}.${randomBytes(8).toString('hex')}`, namespace },
      involvedObject: {
        kind: object.kind,
        namespace: object.metadata.namespace,
        name: object.metadata.name,
        uid: object.metadata.uid,
        apiVersion: object.apiVersion,
        resourceVersion: object.metadata.resourceVersion,
        ...(fieldPath ? { fieldPath } : {}),
      },
      reason,
      message,
      type,
      source,
      reportingComponent: source.component,
      reportingInstance: source.host ?? '',
      firstTimestamp: stamp,
      lastTimestamp: stamp,
      count: 1,
    });
  }
}
