import { httpHandler } from '#shared/http.js';
import { clusterView, requireCluster } from './hierarchy-service.js';
import { ClusterPathSchema, EnvClusterSchema } from './schemas.js';

export const handler = httpHandler({ path: ClusterPathSchema, response: EnvClusterSchema }, async ({ path }) => ({
  data: { env: path.env, cluster: clusterView(await requireCluster(path.env, path.app_name, path.cluster_name)) },
}));
