import { httpHandler } from '#shared/http.js';
import { DEFAULT_CLUSTER_ID } from './clusters.js';
import { ClusterQuerySchema, SystemMetricsSchema } from './monitor-schemas.js';
import { systemMetrics } from './monitor-service.js';

/** helm-proxy.md §5.2: the cluster's nodes (allocatable, requested, used), pods by phase and apps by state. */
export const handler = httpHandler({ query: ClusterQuerySchema, response: SystemMetricsSchema }, async ({ query }) => ({
  data: await systemMetrics(query.clusterId ?? DEFAULT_CLUSTER_ID),
}));
