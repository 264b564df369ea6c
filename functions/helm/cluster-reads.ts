import { AppsV1Api, CoreV1Api, CustomObjectsApi } from '@kubernetes/client-node';
import type { KubeConfig, V1DaemonSet, V1Deployment, V1Node, V1Pod, V1StatefulSet } from '@kubernetes/client-node';
import * as z from 'zod';
import { HttpError, ServiceUnavailableError } from '#shared/errors.js';
import { kubeConfigFor } from './clusters.js';

/**
 * The cluster reads the monitoring routes make, through @kubernetes/client-node: lists (paged, 500
 * a page), an app's workloads and pods by its release label, and metrics.k8s.io usage. Each call has
 * a deadline, so an unreachable cluster is a 503 naming it rather than a gateway timeout.
 */
export const INSTANCE_LABEL = 'app.kubernetes.io/instance';
const PAGE = 500;
const CALL_DEADLINE_MS = 10_000;

/** Runs `call` with a deadline; a failure becomes a 503 that names the cluster and the reason. */
export async function clusterCall<T>(clusterId: string, what: string, call: () => Promise<T>, deadlineMs = CALL_DEADLINE_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, fail) => {
    timer = setTimeout(() => fail(new Error(`no answer within ${deadlineMs / 1000} s`)), deadlineMs);
  });
  try {
    return await Promise.race([call(), deadline]);
  } catch (error) {
    if (error instanceof HttpError) throw error;
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new ServiceUnavailableError(`cluster "${clusterId}" could not ${what}: ${reason}`, { cause: error });
  } finally {
    clearTimeout(timer);
  }
}

/** Follows `continue` tokens until the list is whole. */
export async function listAll<T>(page: (cont: string | undefined) => Promise<{ items: T[]; metadata?: { _continue?: string } }>): Promise<T[]> {
  const items: T[] = [];
  let cont: string | undefined;
  do {
    const out = await page(cont);
    items.push(...out.items);
    cont = out.metadata?._continue || undefined;
  } while (cont);
  return items;
}

/** The API clients of one cluster, made from its kubeconfig. */
export type ClusterApis = Readonly<{ id: string; core: CoreV1Api; apps: AppsV1Api; custom: CustomObjectsApi }>;

export async function clusterApis(clusterId: string): Promise<ClusterApis> {
  const kc: KubeConfig = await kubeConfigFor(clusterId);
  return { id: clusterId, core: kc.makeApiClient(CoreV1Api), apps: kc.makeApiClient(AppsV1Api), custom: kc.makeApiClient(CustomObjectsApi) };
}

export function listNodes(apis: ClusterApis): Promise<V1Node[]> {
  return clusterCall(apis.id, 'list nodes', () => listAll((cont) => apis.core.listNode({ limit: PAGE, _continue: cont })));
}

export function listAllPods(apis: ClusterApis): Promise<V1Pod[]> {
  return clusterCall(apis.id, 'list pods', () => listAll((cont) => apis.core.listPodForAllNamespaces({ limit: PAGE, _continue: cont })));
}

/** An app's workloads and pods: everything in `namespace` labelled `app.kubernetes.io/instance=<name>`. */
export async function appObjects(
  apis: ClusterApis,
  namespace: string,
  name: string,
): Promise<{ deployments: V1Deployment[]; statefulSets: V1StatefulSet[]; daemonSets: V1DaemonSet[]; pods: V1Pod[] }> {
  const labelSelector = `${INSTANCE_LABEL}=${name}`;
  const [deployments, statefulSets, daemonSets, pods] = await clusterCall(apis.id, `read app ${namespace}/${name}`, () =>
    Promise.all([
      apis.apps.listNamespacedDeployment({ namespace, labelSelector }),
      apis.apps.listNamespacedStatefulSet({ namespace, labelSelector }),
      apis.apps.listNamespacedDaemonSet({ namespace, labelSelector }),
      apis.core.listNamespacedPod({ namespace, labelSelector }),
    ]),
  );
  return { deployments: deployments.items, statefulSets: statefulSets.items, daemonSets: daemonSets.items, pods: pods.items };
}

const UsageSchema = z.object({ cpu: z.string().optional(), memory: z.string().optional() });
const PodMetricsListSchema = z.object({
  items: z.array(z.object({ metadata: z.object({ name: z.string() }), containers: z.array(z.object({ usage: UsageSchema })).default([]) })),
});
const NodeMetricsListSchema = z.object({ items: z.array(z.object({ metadata: z.object({ name: z.string() }), usage: UsageSchema })) });

/** Why metrics are missing, when metrics.k8s.io does not answer (no metrics-server in the cluster). */
export type Unavailable = Readonly<{ unavailable: string }>;

function metricsUnavailable(error: unknown): Unavailable {
  const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
  return { unavailable: `metrics.k8s.io did not answer (is metrics-server installed?): ${reason}` };
}

/** Usage of the pods in `namespace` with the label, from metrics.k8s.io/v1beta1 (Running pods only, as metrics-server reports). */
export async function podUsage(
  apis: ClusterApis,
  namespace: string,
  labelSelector: string,
): Promise<z.infer<typeof PodMetricsListSchema>['items'] | Unavailable> {
  try {
    const list: unknown = await clusterCall(apis.id, 'read pod metrics', () =>
      apis.custom.listNamespacedCustomObject({ group: 'metrics.k8s.io', version: 'v1beta1', namespace, plural: 'pods', labelSelector }),
    );
    return PodMetricsListSchema.parse(list).items;
  } catch (error) {
    return metricsUnavailable(error);
  }
}

/** Every node's usage from metrics.k8s.io/v1beta1. */
export async function nodeUsage(apis: ClusterApis): Promise<z.infer<typeof NodeMetricsListSchema>['items'] | Unavailable> {
  try {
    const list: unknown = await clusterCall(apis.id, 'read node metrics', () =>
      apis.custom.listClusterCustomObject({ group: 'metrics.k8s.io', version: 'v1beta1', plural: 'nodes' }),
    );
    return NodeMetricsListSchema.parse(list).items;
  } catch (error) {
    return metricsUnavailable(error);
  }
}
