import * as z from 'zod';

/** Request and answer schemas of the `/v1/monitor` routes (helm-proxy.md §5). */

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** `default` or a registered cluster's id. */
export const ClusterIdQuerySchema = z
  .string()
  .max(63, 'must be at most 63 characters')
  .regex(DNS_LABEL, 'must be "default" or a registered cluster id (a DNS label)')
  .optional();

export const ClusterQuerySchema = z.object({ clusterId: ClusterIdQuerySchema });

export const AppMetricsPathSchema = z.object({
  name: z
    .string()
    .max(53, 'must be at most 53 characters (a Helm release name)')
    .regex(DNS_LABEL, 'must be an app (Helm release) name: lowercase letters, digits and "-"'),
});

export const AppMetricsQuerySchema = z.object({
  namespace: z.string().max(63, 'must be at most 63 characters').regex(DNS_LABEL, 'must be a namespace name (a DNS label)').optional(),
  clusterId: ClusterIdQuerySchema,
});

const nullableText = z.string().nullable();

export const AppMetricsSchema = z.object({
  /** Summed over the app's Running pods, from metrics.k8s.io; null when the cluster serves no metrics (see metrics_unavailable). */
  cpu_usage: nullableText,
  memory_usage: nullableText,
  /** Desired replicas of the app's Deployments, StatefulSets and DaemonSets (its pod count when it has none of those). */
  replicas: z.number().int(),
  ready_replicas: z.number().int(),
  name: z.string(),
  namespace: z.string(),
  cluster_id: z.string(),
  workloads: z.array(
    z.object({ kind: z.enum(['Deployment', 'StatefulSet', 'DaemonSet']), name: z.string(), replicas: z.number().int(), ready_replicas: z.number().int() }),
  ),
  pods: z.array(
    z.object({
      name: z.string(),
      phase: z.string(),
      ready: z.boolean(),
      restarts: z.number().int(),
      node: z.string().nullable(),
      cpu_usage: nullableText,
      memory_usage: nullableText,
    }),
  ),
  metrics_unavailable: z.string().optional(),
});

const resources = z.object({ cpu: z.string(), memory: z.string(), pods: z.number().int() });
const usage = z.object({ cpu: z.string(), memory: z.string() });

export const SystemMetricsSchema = z.object({
  cluster_id: z.string(),
  nodes: z.array(
    z.object({
      name: z.string(),
      ready: z.boolean(),
      schedulable: z.boolean(),
      allocatable: resources,
      /** What the pods bound to the node (and not finished) request: the scheduler's view. */
      requested: resources,
      usage: usage.nullable(),
    }),
  ),
  totals: z.object({
    nodes: z.number().int(),
    ready_nodes: z.number().int(),
    allocatable: resources,
    requested: resources,
    /** requested ÷ allocatable, in percent (whole numbers). */
    requested_percent: z.object({ cpu: z.number().int(), memory: z.number().int(), pods: z.number().int() }),
    usage: usage.nullable(),
  }),
  pods: z.object({ total: z.number().int(), by_phase: z.record(z.string(), z.number().int()) }),
  apps: z.object({ total: z.number().int(), by_state: z.record(z.string(), z.number().int()) }),
  metrics_unavailable: z.string().optional(),
});

const check = z.object({ ok: z.boolean(), reason: z.string().optional() });

export const MonitorHealthSchema = z.object({
  /** ok when every check passed and no app is in error; degraded otherwise. */
  status: z.enum(['ok', 'degraded']),
  checked_at: z.string(),
  cluster: check.extend({ id: z.string(), version: z.string().nullable() }),
  dynamodb: check,
  workflows: check.extend({ state_machines: z.array(check.extend({ name: z.string() })) }),
  apps: check.extend({ total: z.number().int(), in_error: z.number().int(), error_apps: z.array(z.object({ namespace: z.string(), name: z.string() })) }),
});
