import type { KubeRest } from '../../local/kube/rest.js';
import type { KubeObject } from '../../local/kube/store.js';

const stamp = (offsetMs = 0): string => new Date(Date.now() + offsetMs).toISOString().replace(/\.\d+Z$/, 'Z');

/** Creates an object through the REST layer and, when given, writes its status through `status`, as a controller would. */
export function createWithStatus(rest: KubeRest, plural: string, group: string, version: string, object: Record<string, unknown>): KubeObject {
  const type = rest.registry.find(group, version, plural)!;
  const metadata = object.metadata as { namespace?: string };
  const created = rest.create(type, metadata.namespace, object);
  if (object.status === undefined) return created;
  return rest.replace(type, created, { ...created, status: object.status }, { subresource: 'status' });
}

export type ContainerSpec = { name: string; image: string; resources?: { requests?: Record<string, string> } };

/** Creates a pod for the cluster to schedule and run; its images decide how it behaves (see cluster/images.ts). */
export function createPod(
  rest: KubeRest,
  namespace: string,
  name: string,
  containers: ContainerSpec[],
  extra: { labels?: Record<string, string>; restartPolicy?: string } = {},
): KubeObject {
  const pods = rest.registry.find('', 'v1', 'pods')!;
  return rest.create(pods, namespace, { metadata: { name, namespace, labels: extra.labels }, spec: { containers, restartPolicy: extra.restartPolicy } });
}

type StatusOf = {
  name: string;
  state: Record<string, unknown>;
  ready?: boolean;
  restartCount?: number;
  lastState?: Record<string, unknown>;
  started?: boolean;
};

/** A pod object as a kubelet would have written it, for the printer's unit tests (never stored). */
export function podObject(
  name: string,
  containers: StatusOf[],
  extra: { phase?: string; init?: StatusOf[]; deletionTimestamp?: string; conditions?: { type: string; status: string }[] } = {},
): KubeObject {
  const status = (c: StatusOf): object => ({ ready: false, restartCount: 0, lastState: {}, started: c.state.running !== undefined, ...c });
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'unit', creationTimestamp: stamp(-5000), ...(extra.deletionTimestamp ? { deletionTimestamp: extra.deletionTimestamp } : {}) },
    spec: {
      nodeName: 'sim-node-1',
      containers: containers.map((c) => ({ name: c.name, image: 'nginx' })),
      initContainers: extra.init?.map((c) => ({ name: c.name, image: 'busybox' })),
    },
    status: {
      phase: extra.phase ?? 'Running',
      podIP: '10.244.1.7',
      conditions: extra.conditions ?? [],
      initContainerStatuses: extra.init?.map(status),
      containerStatuses: containers.map(status),
    },
  };
}

export const running = (): Record<string, unknown> => ({ running: { startedAt: stamp() } });
export const waiting = (reason: string): Record<string, unknown> => ({ waiting: { reason } });
export const terminated = (reason: string, exitCode: number, agoMs = 0): Record<string, unknown> => ({
  terminated: { reason, exitCode, finishedAt: stamp(-agoMs) },
});
