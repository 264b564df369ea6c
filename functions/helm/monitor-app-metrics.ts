import { httpHandler } from '#shared/http.js';
import { DEFAULT_CLUSTER_ID } from './clusters.js';
import { AppMetricsPathSchema, AppMetricsQuerySchema, AppMetricsSchema } from './monitor-schemas.js';
import { appMetrics } from './monitor-service.js';

/**
 * helm-proxy.md §5.1: CPU and memory in use by the app's pods (metrics.k8s.io) and its replicas,
 * found by the release label in `namespace` (default `default`) of the cluster `clusterId`.
 * 404 when nothing there carries the app's label.
 */
export const handler = httpHandler({ path: AppMetricsPathSchema, query: AppMetricsQuerySchema, response: AppMetricsSchema }, async ({ path, query }) => ({
  data: await appMetrics(query.clusterId ?? DEFAULT_CLUSTER_ID, query.namespace ?? 'default', path.name),
}));
