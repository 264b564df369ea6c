import type { KubeRest } from '../../local/kube/rest.js';
import type { KubeObject } from '../../local/kube/store.js';

/**
 * Objects written the way the cluster's controllers would write them, for tests that need a given
 * state without waiting for the kubelet: created through the REST layer, status through `status`.
 * Pods go to a node no simulated kubelet owns (`manual-node`), so nothing rewrites their status.
 */
export const MANUAL_NODE = 'manual-node';

export function createWithStatus(rest: KubeRest, plural: string, group: string, version: string, object: Record<string, unknown>): KubeObject {
  const type = rest.registry.find(group, version, plural)!;
  const metadata = object.metadata as { namespace?: string };
  const created = rest.create(type, metadata.namespace, object);
  if (object.status === undefined) return created;
  return rest.replace(type, created, { ...created, status: object.status }, { subresource: 'status' });
}

type ContainerSpec = { name: string; image?: string; resources?: { requests?: Record<string, string> } };

/** A pod on `manual-node` whose kubelet status says what `states` give (one per container). */
export function podWithStatus(
  rest: KubeRest,
  namespace: string,
  name: string,
  containers: (ContainerSpec & { state: Record<string, unknown>; ready?: boolean; restartCount?: number; lastState?: Record<string, unknown> })[],
  extra: { phase?: string; labels?: Record<string, string>; podIP?: string } = {},
): KubeObject {
  const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  return createWithStatus(rest, 'pods', '', 'v1', {
    metadata: { name, namespace, labels: extra.labels },
    spec: { nodeName: MANUAL_NODE, containers: containers.map(({ name: n, image, resources }) => ({ name: n, image: image ?? `${n}:1.0`, resources })) },
    status: {
      phase: extra.phase ?? 'Running',
      hostIP: '10.0.0.9',
      podIP: extra.podIP ?? '10.244.9.9',
      podIPs: [{ ip: extra.podIP ?? '10.244.9.9' }],
      startTime: now,
      conditions: [{ type: 'Ready', status: containers.every((c) => c.ready) ? 'True' : 'False' }],
      containerStatuses: containers.map((c) => ({
        name: c.name,
        image: c.image ?? `${c.name}:1.0`,
        ready: c.ready ?? false,
        restartCount: c.restartCount ?? 0,
        started: c.state.running !== undefined,
        state: c.state,
        lastState: c.lastState ?? {},
      })),
    },
  });
}

export const running = (): Record<string, unknown> => ({ running: { startedAt: new Date().toISOString().replace(/\.\d+Z$/, 'Z') } });
export const waiting = (reason: string): Record<string, unknown> => ({ waiting: { reason } });
export const terminated = (reason: string, exitCode: number): Record<string, unknown> => ({
  terminated: { reason, exitCode, finishedAt: new Date().toISOString().replace(/\.\d+Z$/, 'Z') },
});
