import type { V1Node, V1Pod } from '@kubernetes/client-node';
import type { z } from 'zod';
import { config } from '#shared/config.js';
import { checkDatabase, checkWorkflows } from '#shared/dependencies.js';
import { NotFoundError } from '#shared/errors.js';
import { versionOf } from './cluster.js';
import type { ClusterApis } from './cluster-reads.js';
import { appObjects, clusterApis, clusterCall, INSTANCE_LABEL, listAllPods, listNodes, nodeUsage, podUsage } from './cluster-reads.js';
import { DEFAULT_CLUSTER_ID, kubeConfigFor } from './clusters.js';
import type { AppMetricsSchema, MonitorHealthSchema, SystemMetricsSchema } from './monitor-schemas.js';
import { podRequest, quantityOrZero } from '#shared/quantity.js';
import { formatCpu, formatMemory } from './quantity.js';
import { appStatesOf } from './store/app-states.js';

/**
 * What `/v1/monitor` answers: an app's usage and replicas, the cluster's nodes, pods and apps, and
 * the health of what the Helm API depends on. Reads the cluster at the moment of the request.
 */
type AppMetrics = z.infer<typeof AppMetricsSchema>;
type SystemMetrics = z.infer<typeof SystemMetricsSchema>;
type MonitorHealth = z.infer<typeof MonitorHealthSchema>;

const isReady = (pod: V1Pod) => pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
const restartsOf = (pod: V1Pod) => (pod.status?.containerStatuses ?? []).reduce((n, c) => n + c.restartCount, 0);
const sumUsage = (containers: { usage: { cpu?: string; memory?: string } }[]) =>
  containers.reduce((t, c) => ({ cpu: t.cpu + quantityOrZero(c.usage.cpu), memory: t.memory + quantityOrZero(c.usage.memory) }), { cpu: 0, memory: 0 });

/** helm-proxy.md §5.1, for the app whose release is `name` in `namespace`: usage summed over its pods, replicas over its workloads. */
export async function appMetrics(clusterId: string, namespace: string, name: string): Promise<AppMetrics> {
  const apis = await clusterApis(clusterId);
  const [objects, usage] = await Promise.all([appObjects(apis, namespace, name), podUsage(apis, namespace, `${INSTANCE_LABEL}=${name}`)]);
  const workloads = [
    ...objects.deployments.map((d) => ({
      kind: 'Deployment' as const,
      name: d.metadata?.name ?? '',
      replicas: d.spec?.replicas ?? 1,
      ready_replicas: d.status?.readyReplicas ?? 0,
    })),
    ...objects.statefulSets.map((s) => ({
      kind: 'StatefulSet' as const,
      name: s.metadata?.name ?? '',
      replicas: s.spec?.replicas ?? 1,
      ready_replicas: s.status?.readyReplicas ?? 0,
    })),
    ...objects.daemonSets.map((d) => ({
      kind: 'DaemonSet' as const,
      name: d.metadata?.name ?? '',
      replicas: d.status?.desiredNumberScheduled ?? 0,
      ready_replicas: d.status?.numberReady ?? 0,
    })),
  ];
  if (workloads.length === 0 && objects.pods.length === 0)
    throw new NotFoundError(
      `app "${name}" has no workloads or pods in namespace "${namespace}" of cluster "${clusterId}" (looked for the label ${INSTANCE_LABEL}=${name})`,
    );
  const byPod = new Map('unavailable' in usage ? [] : usage.map((m) => [m.metadata.name, sumUsage(m.containers)]));
  const total = [...byPod.values()].reduce((t, u) => ({ cpu: t.cpu + u.cpu, memory: t.memory + u.memory }), { cpu: 0, memory: 0 });
  const metricsKnown = !('unavailable' in usage);
  return {
    cpu_usage: metricsKnown ? formatCpu(total.cpu) : null,
    memory_usage: metricsKnown ? formatMemory(total.memory) : null,
    replicas: workloads.length > 0 ? workloads.reduce((n, w) => n + w.replicas, 0) : objects.pods.length,
    ready_replicas: workloads.length > 0 ? workloads.reduce((n, w) => n + w.ready_replicas, 0) : objects.pods.filter(isReady).length,
    name,
    namespace,
    cluster_id: clusterId,
    workloads,
    pods: objects.pods.map((pod) => {
      const own = byPod.get(pod.metadata?.name ?? '');
      return {
        name: pod.metadata?.name ?? '',
        phase: pod.status?.phase ?? 'Unknown',
        ready: isReady(pod),
        restarts: restartsOf(pod),
        node: pod.spec?.nodeName ?? null,
        cpu_usage: own ? formatCpu(own.cpu) : null,
        memory_usage: own ? formatMemory(own.memory) : null,
      };
    }),
    ...('unavailable' in usage ? { metrics_unavailable: usage.unavailable } : {}),
  };
}

type Amounts = { cpu: number; memory: number; pods: number };
const zero = (): Amounts => ({ cpu: 0, memory: 0, pods: 0 });
const shown = (a: Amounts) => ({ cpu: formatCpu(a.cpu), memory: formatMemory(a.memory), pods: a.pods });
const percent = (part: number, whole: number) => (whole > 0 ? Math.round((part / whole) * 100) : 0);
const countBy = <T>(items: readonly T[], key: (item: T) => string) =>
  items.reduce<Record<string, number>>((counts, item) => ({ ...counts, [key(item)]: (counts[key(item)] ?? 0) + 1 }), {});

function nodeView(node: V1Node, requested: Amounts, usage: { cpu: number; memory: number } | undefined) {
  const allocatable = node.status?.allocatable ?? {};
  return {
    name: node.metadata?.name ?? '',
    ready: node.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false,
    schedulable: node.spec?.unschedulable !== true,
    allocatable: { cpu: quantityOrZero(allocatable.cpu), memory: quantityOrZero(allocatable.memory), pods: quantityOrZero(allocatable.pods) },
    requested,
    usage,
  };
}

/** helm-proxy.md §5.2: nodes with allocatable and requested CPU/memory/pods, pods by phase, apps by state. */
export async function systemMetrics(clusterId: string): Promise<SystemMetrics> {
  const apis: ClusterApis = await clusterApis(clusterId);
  const [nodes, pods, usage, apps] = await Promise.all([listNodes(apis), listAllPods(apis), nodeUsage(apis), appStatesOf(clusterId)]);
  const requested = new Map<string, Amounts>();
  for (const pod of pods) {
    const node = pod.spec?.nodeName;
    if (!node || pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed') continue;
    const sum = requested.get(node) ?? zero();
    requested.set(node, { cpu: sum.cpu + podRequest(pod.spec, 'cpu'), memory: sum.memory + podRequest(pod.spec, 'memory'), pods: sum.pods + 1 });
  }
  const usageOf = new Map(
    'unavailable' in usage ? [] : usage.map((m) => [m.metadata.name, { cpu: quantityOrZero(m.usage.cpu), memory: quantityOrZero(m.usage.memory) }]),
  );
  const views = nodes.map((n) => nodeView(n, requested.get(n.metadata?.name ?? '') ?? zero(), usageOf.get(n.metadata?.name ?? '')));
  const add = (a: Amounts, b: Amounts): Amounts => ({ cpu: a.cpu + b.cpu, memory: a.memory + b.memory, pods: a.pods + b.pods });
  const allocatable = views.reduce((t, v) => add(t, v.allocatable), zero());
  const inUse = views.reduce((t, v) => add(t, v.requested), zero());
  const used =
    'unavailable' in usage
      ? undefined
      : views.reduce((t, v) => ({ cpu: t.cpu + (v.usage?.cpu ?? 0), memory: t.memory + (v.usage?.memory ?? 0) }), { cpu: 0, memory: 0 });
  return {
    cluster_id: clusterId,
    nodes: views.map((v) => ({
      ...v,
      allocatable: shown(v.allocatable),
      requested: shown(v.requested),
      usage: v.usage ? { cpu: formatCpu(v.usage.cpu), memory: formatMemory(v.usage.memory) } : null,
    })),
    totals: {
      nodes: views.length,
      ready_nodes: views.filter((v) => v.ready).length,
      allocatable: shown(allocatable),
      requested: shown(inUse),
      requested_percent: {
        cpu: percent(inUse.cpu, allocatable.cpu),
        memory: percent(inUse.memory, allocatable.memory),
        pods: percent(inUse.pods, allocatable.pods),
      },
      usage: used ? { cpu: formatCpu(used.cpu), memory: formatMemory(used.memory) } : null,
    },
    pods: { total: pods.length, by_phase: countBy(pods, (p) => p.status?.phase ?? 'Unknown') },
    apps: { total: apps.length, by_state: countBy(apps, (a) => a.state) },
    ...('unavailable' in usage ? { metrics_unavailable: usage.unavailable } : {}),
  };
}

const reasonOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** helm-proxy.md §5.3: the cluster answers (its version), DynamoDB answers, Step Functions answers, and which apps are in error. */
export async function monitorHealth(clusterId: string = DEFAULT_CLUSTER_ID): Promise<MonitorHealth> {
  const cluster = clusterCall(clusterId, 'be reached', () => kubeConfigFor(clusterId).then(versionOf), 5000).catch((error: unknown) => {
    // An id nobody registered is the caller's mistake (404), not an unhealthy cluster.
    if (error instanceof NotFoundError) throw error;
    return { version: null, reason: reasonOf(error) };
  });
  const apps = appStatesOf(clusterId).then(
    (all) => ({ all, reason: undefined }),
    (error: unknown) => ({ all: [], reason: `could not read the apps: ${reasonOf(error)}` }),
  );
  const [version, database, workflows, states] = await Promise.all([cluster, checkDatabase(config.tables.helm), checkWorkflows(), apps]);
  // Removed apps keep their record (a later install may reuse the name); they are not the cluster's apps any more.
  const current = states.all.filter((a) => a.state !== 'removed');
  const errors = current.filter((a) => a.state === 'error');
  const health: MonitorHealth = {
    status: 'ok',
    checked_at: new Date().toISOString(),
    cluster: { id: clusterId, ok: version.version !== null, version: version.version, ...(version.reason ? { reason: version.reason } : {}) },
    dynamodb: database.ok ? { ok: true } : { ok: false, reason: database.reason },
    workflows,
    apps: {
      ok: errors.length === 0 && !states.reason,
      ...(states.reason ? { reason: states.reason } : errors.length > 0 ? { reason: `${errors.length} app(s) in error` } : {}),
      total: current.length,
      in_error: errors.length,
      error_apps: errors.slice(0, 100).map(({ namespace, name }) => ({ namespace, name })),
    },
  };
  const healthy = health.cluster.ok && health.dynamodb.ok && health.workflows.ok && health.apps.ok;
  return { ...health, status: healthy ? 'ok' : 'degraded' };
}
