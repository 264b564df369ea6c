import type { V1Node, V1PersistentVolumeClaim, V1Pod } from '@kubernetes/client-node';
import * as z from 'zod';
import { podRequest, quantityOrZero } from '#shared/quantity.js';

/**
 * The arithmetic of the capacity check (docs/app-store.md, "Capacity check"), apart from
 * helm and the cluster so it can be tested on plain objects: what a rendered chart requests, what
 * the cluster has free, and what is short.
 */
export const CAPACITY_RESOURCES = ['cpu', 'memory', 'storage'] as const;
export type CapacityResource = (typeof CAPACITY_RESOURCES)[number];
/** Cores for cpu, bytes for memory and storage. */
export type Amounts = Record<CapacityResource, number>;

export const zero = (): Amounts => ({ cpu: 0, memory: 0, storage: 0 });

export type Requirements = Readonly<{
  /** What the whole app needs. */
  total: Amounts;
  /** Its biggest single pod (cpu, memory): it must fit on one node. */
  largestPod: Omit<Amounts, 'storage'>;
}>;

const PodSpecSchema = z.looseObject({
  containers: z.array(z.looseObject({ resources: z.looseObject({}).optional() })).default([]),
  initContainers: z.array(z.looseObject({ resources: z.looseObject({}).optional() })).optional(),
});
const ClaimSchema = z.looseObject({
  spec: z.looseObject({ resources: z.looseObject({ requests: z.record(z.string(), z.unknown()).optional() }).optional() }).optional(),
});
/** The parts of a rendered object the sums read; anything else in it is ignored. */
const RenderedSchema = z.looseObject({
  kind: z.string(),
  spec: z
    .looseObject({
      replicas: z.number().int().min(0).optional(),
      parallelism: z.number().int().min(0).optional(),
      template: z.looseObject({ spec: PodSpecSchema.optional() }).optional(),
      jobTemplate: z.looseObject({ spec: z.looseObject({ template: z.looseObject({ spec: PodSpecSchema.optional() }).optional() }).optional() }).optional(),
      volumeClaimTemplates: z.array(ClaimSchema).optional(),
      containers: z.array(z.looseObject({})).optional(),
      resources: z.looseObject({ requests: z.record(z.string(), z.unknown()).optional() }).optional(),
    })
    .optional(),
});
type PodSpec = z.infer<typeof PodSpecSchema>;

const claimStorage = (claim: z.infer<typeof ClaimSchema>) => quantityOrZero(claim.spec?.resources?.requests?.storage);

/** The pods an object makes: how many, and their spec (undefined for objects that make none). */
function podsOf(object: z.infer<typeof RenderedSchema>, nodes: number): { count: number; spec: PodSpec } | undefined {
  const spec = object.spec;
  switch (object.kind) {
    case 'Deployment':
    case 'ReplicaSet':
    case 'StatefulSet':
    case 'ReplicationController':
      return spec?.template?.spec ? { count: spec.replicas ?? 1, spec: spec.template.spec } : undefined;
    case 'DaemonSet':
      return spec?.template?.spec ? { count: nodes, spec: spec.template.spec } : undefined;
    case 'Job':
      return spec?.template?.spec ? { count: spec.parallelism ?? 1, spec: spec.template.spec } : undefined;
    case 'CronJob': {
      const template = spec?.jobTemplate?.spec?.template?.spec;
      return template ? { count: 1, spec: template } : undefined;
    }
    case 'Pod':
      return spec ? { count: 1, spec: PodSpecSchema.parse(spec) } : undefined;
    default:
      return undefined;
  }
}

/**
 * What the rendered objects request: replicas × each pod's request (the scheduler's view: containers
 * summed, or the largest init container if more), DaemonSets once per node, and storage from
 * PersistentVolumeClaims and StatefulSet volumeClaimTemplates × replicas.
 */
export function requirementsOf(rendered: readonly unknown[], nodes: number): Requirements {
  const total = zero();
  const largestPod = { cpu: 0, memory: 0 };
  for (const raw of rendered) {
    const parsed = RenderedSchema.safeParse(raw);
    if (!parsed.success) continue;
    const object = parsed.data;
    const pods = podsOf(object, nodes);
    if (pods && pods.count > 0) {
      for (const resource of ['cpu', 'memory'] as const) {
        const each = podRequest(pods.spec, resource);
        total[resource] += pods.count * each;
        largestPod[resource] = Math.max(largestPod[resource], each);
      }
    }
    if (object.kind === 'StatefulSet')
      total.storage += (object.spec?.replicas ?? 1) * (object.spec?.volumeClaimTemplates ?? []).reduce((s, c) => s + claimStorage(c), 0);
    if (object.kind === 'PersistentVolumeClaim') total.storage += quantityOrZero(object.spec?.resources?.requests?.storage);
  }
  return { total, largestPod };
}

/** The larger of what the chart renders and what the catalog states, per resource (the statement is a floor). */
export function withStated(rendered: Requirements, stated: Readonly<Record<CapacityResource, string>>): Requirements {
  const total = zero();
  for (const r of CAPACITY_RESOURCES) total[r] = Math.max(rendered.total[r], quantityOrZero(stated[r]));
  return { total, largestPod: rendered.largestPod };
}

export type ClusterFree = Readonly<{
  total: Amounts;
  /** The most cpu and memory free on any one schedulable node. */
  largestNode: Omit<Amounts, 'storage'>;
  nodes: number;
}>;

const schedulable = (node: V1Node) =>
  node.spec?.unschedulable !== true && !(node.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status !== 'True');
const finished = (pod: V1Pod) => pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';

/**
 * Free capacity: each schedulable node's allocatable cpu and memory minus the requests of the pods
 * bound to it that have not finished; storage is `storageBudget` (default: the nodes' allocatable
 * ephemeral-storage) minus every PersistentVolumeClaim's request in the cluster. With `ownNamespace`
 * (an upgrade), the pods and claims of that namespace count as free.
 */
export function freeOf(
  nodes: readonly V1Node[],
  allPods: readonly V1Pod[],
  allClaims: readonly V1PersistentVolumeClaim[],
  options: { storageBudget?: number; ownNamespace?: string } = {},
): ClusterFree {
  // An upgrade replaces the app's own pods and keeps its claims: what they hold is the app's to use.
  const pods = allPods.filter((p) => p.metadata?.namespace === undefined || p.metadata.namespace !== options.ownNamespace);
  const claims = allClaims.filter((c) => c.metadata?.namespace === undefined || c.metadata.namespace !== options.ownNamespace);
  const usable = nodes.filter(schedulable);
  const total = zero();
  const largestNode = { cpu: 0, memory: 0 };
  for (const node of usable) {
    const bound = pods.filter((p) => p.spec?.nodeName === node.metadata?.name && !finished(p));
    for (const resource of ['cpu', 'memory'] as const) {
      const used = bound.reduce((sum, p) => sum + podRequest(p.spec as Parameters<typeof podRequest>[0], resource), 0);
      const free = Math.max(0, quantityOrZero(node.status?.allocatable?.[resource]) - used);
      total[resource] += free;
      largestNode[resource] = Math.max(largestNode[resource], free);
    }
  }
  const budget = options.storageBudget ?? usable.reduce((sum, n) => sum + quantityOrZero(n.status?.allocatable?.['ephemeral-storage']), 0);
  const claimed = claims.reduce((sum, c) => sum + quantityOrZero(c.spec?.resources?.requests?.storage), 0);
  total.storage = Math.max(0, budget - claimed);
  return { total, largestNode, nodes: usable.length };
}

/** One thing the cluster lacks, as quantities a person reads (`4Gi`, `1500m`). */
export type Shortage = Readonly<{
  resource: CapacityResource;
  /** `cluster`: the sum over the cluster; `node`: the app's biggest pod fits on no single node. */
  scope: 'cluster' | 'node';
  required: string;
  free: string;
  short: string;
}>;

/** A quantity for people: cores as `2` or `1500m`, bytes in the largest binary unit that keeps it ≥ 1 (`2.5Gi`). */
export function formatQuantity(resource: CapacityResource, value: number): string {
  if (resource === 'cpu') return Number.isInteger(value) ? String(value) : `${Math.ceil(value * 1000)}m`;
  const units = ['Ei', 'Pi', 'Ti', 'Gi', 'Mi', 'Ki'] as const;
  for (const [i, unit] of units.entries()) {
    const size = 2 ** (10 * (units.length - i));
    if (value >= size) return `${Number((value / size).toFixed(2))}${unit}`;
  }
  return String(Math.ceil(value));
}

/** What is short: each resource whose need passes what is free in the cluster, or whose biggest pod fits on no node. */
export function shortagesOf(required: Requirements, free: ClusterFree): Shortage[] {
  const out: Shortage[] = [];
  const add = (resource: CapacityResource, scope: Shortage['scope'], need: number, have: number) =>
    out.push({ resource, scope, required: formatQuantity(resource, need), free: formatQuantity(resource, have), short: formatQuantity(resource, need - have) });
  for (const resource of CAPACITY_RESOURCES) {
    if (required.total[resource] > free.total[resource]) add(resource, 'cluster', required.total[resource], free.total[resource]);
    else if (resource !== 'storage' && required.largestPod[resource] > free.largestNode[resource])
      add(resource, 'node', required.largestPod[resource], free.largestNode[resource]);
  }
  return out;
}

const NAMES = {
  'en-US': { cpu: 'CPU', memory: 'memory', storage: 'storage' },
  'zh-CN': { cpu: 'CPU', memory: '内存', storage: '磁盘空间' },
} as const;

/** The refusal in both languages, one clause per shortage. */
export function shortageMessage(shortages: readonly Shortage[]): Record<'zh-CN' | 'en-US', string> {
  const en = shortages.map((s) =>
    s.scope === 'cluster'
      ? `not enough ${NAMES['en-US'][s.resource]}: the app needs ${s.required}, the cluster has ${s.free} free (${s.short} short)`
      : `not enough ${NAMES['en-US'][s.resource]} on any one node: the app's largest pod needs ${s.required}, the most free on a node is ${s.free} (${s.short} short)`,
  );
  const zh = shortages.map((s) =>
    s.scope === 'cluster'
      ? `${NAMES['zh-CN'][s.resource]}不足: 应用需要 ${s.required}, 集群剩余 ${s.free} (缺少 ${s.short})`
      : `单个节点${NAMES['zh-CN'][s.resource]}不足: 应用最大的 Pod 需要 ${s.required}, 节点最多剩余 ${s.free} (缺少 ${s.short})`,
  );
  return { 'en-US': en.join('; '), 'zh-CN': zh.join('; ') };
}
