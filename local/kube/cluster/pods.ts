import type { KubeObject } from '../store.js';

/** The parts of a pod the cluster's components read and write. */
export type Container = {
  name: string;
  image: string;
  ports?: { containerPort?: number; name?: string }[];
  readinessProbe?: { initialDelaySeconds?: number; periodSeconds?: number };
  resources?: { requests?: Record<string, unknown>; limits?: Record<string, unknown> };
};
export type PodSpec = {
  nodeName?: string;
  nodeSelector?: Record<string, string>;
  schedulerName?: string;
  restartPolicy?: 'Always' | 'OnFailure' | 'Never';
  terminationGracePeriodSeconds?: number;
  containers: Container[];
  initContainers?: Container[];
  volumes?: { name: string; persistentVolumeClaim?: { claimName: string } }[];
};
export type Condition = {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
  lastProbeTime?: null;
};
export type PodStatus = {
  phase?: 'Pending' | 'Running' | 'Succeeded' | 'Failed' | 'Unknown';
  conditions?: Condition[];
  hostIP?: string;
  podIP?: string;
  startTime?: string;
  containerStatuses?: Record<string, unknown>[];
  initContainerStatuses?: Record<string, unknown>[];
  [key: string]: unknown;
};
export type Pod = KubeObject & { spec: PodSpec; status?: PodStatus };

export const now = (): string => new Date().toISOString().replace(/\.\d+Z$/, 'Z');

/** Succeeded and Failed pods hold no node resources and are never restarted. */
export const isTerminal = (pod: Pod): boolean => pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';

export const conditionOf = (object: { status?: { conditions?: Condition[] } }, type: string): Condition | undefined =>
  object.status?.conditions?.find((c) => c.type === type);

/** A pod counts as ready when its Ready condition is True (what controllers and endpoints read). */
export const isReady = (pod: Pod): boolean => conditionOf(pod, 'Ready')?.status === 'True' && !pod.metadata.deletionTimestamp;

/**
 * Sets a condition, keeping `lastTransitionTime` when the status does not change (as every
 * Kubernetes controller does, and as kstatus and `kubectl describe` expect).
 */
export function setCondition(conditions: Condition[] | undefined, next: Omit<Condition, 'lastTransitionTime'>): Condition[] {
  const list = [...(conditions ?? [])];
  const index = list.findIndex((c) => c.type === next.type);
  const previous = index >= 0 ? list[index] : undefined;
  const condition: Condition = {
    ...next,
    lastTransitionTime: previous && previous.status === next.status ? previous.lastTransitionTime : now(),
  };
  if (index >= 0) list[index] = { ...previous, ...condition };
  else list.push(condition);
  return list;
}
