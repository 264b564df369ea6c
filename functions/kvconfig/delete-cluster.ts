import { httpHandler } from '#shared/http.js';
import { deleteCluster } from './hierarchy-service.js';
import { ClusterPathSchema, DeletedClusterSchema, ForceQuerySchema } from './schemas.js';

/** 409 while the cluster has namespaces, unless `?force=true`. */
export const handler = httpHandler({ path: ClusterPathSchema, query: ForceQuerySchema, response: DeletedClusterSchema }, async ({ path, query }) => {
  await deleteCluster(path.env, path.app_name, path.cluster_name, query.force);
  return { data: { env: path.env, app_name: path.app_name, cluster_name: path.cluster_name } };
});
