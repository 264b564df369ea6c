/**
 * metrics.k8s.io/v1beta1, computed on read (never stored), as metrics-server would answer for this
 * cluster: PodMetrics for every Running pod, NodeMetrics for every Node. Usage is derived, not
 * measured: each container uses a stable share of its request (30%–60%, picked by a hash of
 * namespace/pod/container, so repeated reads agree), or a small amount when it requests nothing;
 * a node uses its running pods' sum plus a fixed system overhead. `kubectl top` and client-node's
 * `Metrics` read these.
 */
import { createHash } from 'node:crypto';
import { formatCpu, formatMemory, requestOf } from './cluster/quantity.js';
import { KubeApiError } from './errors.js';
import type { KubeRest } from './rest.js';
import type { ResourceType } from './resources.js';
import type { KubeObject } from './store.js';

const MI = 2 ** 20;
/** What the node's own daemons (kubelet, runtime, kube-proxy) use, on top of its pods. */
export const NODE_SYSTEM_OVERHEAD = { cpu: 0.1, memory: 512 * MI } as const;
const WINDOW = '30s';

type Container = { name: string; resources?: { requests?: Record<string, unknown>; limits?: Record<string, unknown> } };
type Usage = { cpu: number; memory: number };

/** A stable fraction in [0, 1) for a key: the same container reports the same usage on every read. */
function share(key: string): number {
  return createHash('sha256').update(key).digest().readUInt32BE(0) / 2 ** 32;
}

/** A container's usage: 30%–60% of its requests, else 1m–5m CPU and 8Mi–32Mi memory; never under 4Mi of memory. */
export function containerUsage(namespace: string, pod: string, container: Container): Usage {
  const key = `${namespace}/${pod}/${container.name}`;
  const cpuRequest = requestOf(container, 'cpu');
  const memoryRequest = requestOf(container, 'memory');
  const cpu = cpuRequest > 0 ? cpuRequest * (0.3 + 0.3 * share(`${key}/cpu`)) : 0.001 + 0.004 * share(`${key}/cpu`);
  const memory = memoryRequest > 0 ? memoryRequest * (0.3 + 0.3 * share(`${key}/memory`)) : 8 * MI + 24 * MI * share(`${key}/memory`);
  return { cpu: Math.max(0.001, Math.round(cpu * 1000) / 1000), memory: Math.max(4 * MI, Math.round(memory / 1024) * 1024) };
}

const timestamp = (): string => new Date().toISOString().replace(/\.\d+Z$/, 'Z');
const isRunning = (pod: KubeObject): boolean => (pod.status as { phase?: string } | undefined)?.phase === 'Running';
const containersOf = (pod: KubeObject): Container[] => ((pod.spec as { containers?: Container[] } | undefined)?.containers ?? []).filter((c) => c.name);
const usageText = (usage: Usage): Record<string, string> => ({ cpu: formatCpu(usage.cpu), memory: formatMemory(usage.memory) });

function podMetrics(pod: KubeObject): KubeObject {
  const { name, namespace = '', labels } = pod.metadata;
  return {
    kind: 'PodMetrics',
    apiVersion: 'metrics.k8s.io/v1beta1',
    metadata: { name, namespace, ...(labels ? { labels } : {}), creationTimestamp: timestamp() },
    timestamp: timestamp(),
    window: WINDOW,
    containers: containersOf(pod).map((c) => ({ name: c.name, usage: usageText(containerUsage(namespace, name, c)) })),
  };
}

function nodeMetrics(rest: KubeRest, node: KubeObject): KubeObject {
  const total: Usage = { ...NODE_SYSTEM_OVERHEAD };
  for (const pod of rest.store.list('', 'pods')) {
    if ((pod.spec as { nodeName?: string } | undefined)?.nodeName !== node.metadata.name || !isRunning(pod)) continue;
    for (const container of containersOf(pod)) {
      const usage = containerUsage(pod.metadata.namespace ?? '', pod.metadata.name, container);
      total.cpu += usage.cpu;
      total.memory += usage.memory;
    }
  }
  const { name, labels } = node.metadata;
  return {
    kind: 'NodeMetrics',
    apiVersion: 'metrics.k8s.io/v1beta1',
    metadata: { name, ...(labels ? { labels } : {}), creationTimestamp: timestamp() },
    timestamp: timestamp(),
    window: WINDOW,
    usage: usageText(total),
  };
}

const sourceOf = (rest: KubeRest, type: ResourceType): ResourceType => rest.registry.find('', 'v1', type.kind === 'NodeMetrics' ? 'nodes' : 'pods')!;

/** The metrics objects a list answers: of the pods (or nodes) the label and field selectors pick, those that have metrics. */
export function listMetrics(rest: KubeRest, type: ResourceType, namespace: string | undefined, query: URLSearchParams): KubeObject[] {
  const sources = (rest.list(sourceOf(rest, type), namespace, query).items ?? []) as KubeObject[];
  if (type.kind === 'NodeMetrics') return sources.map((node) => nodeMetrics(rest, node));
  return sources.filter(isRunning).map(podMetrics);
}

/** One metrics object; 404 (worded as metrics-server does) when the pod or node is absent or has no metrics. */
export function getMetrics(rest: KubeRest, type: ResourceType, namespace: string | undefined, name: string): KubeObject {
  const source = rest.store.get(rest.key(sourceOf(rest, type), namespace, name));
  if (type.kind === 'NodeMetrics') {
    if (source) return nodeMetrics(rest, source);
    throw new KubeApiError(404, 'NotFound', `nodemetrics.metrics.k8s.io "${name}" not found`, { name, group: 'metrics.k8s.io', kind: 'nodes' });
  }
  if (source && isRunning(source)) return podMetrics(source);
  throw new KubeApiError(404, 'NotFound', `podmetrics.metrics.k8s.io "${namespace ?? ''}/${name}" not found`, { name, group: 'metrics.k8s.io', kind: 'pods' });
}

/** The List object of a metrics list. */
export const metricsList = (type: ResourceType, items: KubeObject[]): Record<string, unknown> => ({
  kind: `${type.kind}List`,
  apiVersion: 'metrics.k8s.io/v1beta1',
  metadata: {},
  items,
});
