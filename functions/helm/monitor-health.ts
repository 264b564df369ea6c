import { httpHandler } from '#shared/http.js';
import { DEFAULT_CLUSTER_ID } from './clusters.js';
import { ClusterQuerySchema, MonitorHealthSchema } from './monitor-schemas.js';
import { monitorHealth } from './monitor-service.js';

/** helm-proxy.md §5.3: cluster, DynamoDB and Step Functions reachable, apps in error; `status` ok or degraded (always HTTP 200: it is a report). */
export const handler = httpHandler({ query: ClusterQuerySchema, response: MonitorHealthSchema }, async ({ query }) => ({
  data: await monitorHealth(query.clusterId ?? DEFAULT_CLUSTER_ID),
}));
