import { httpHandler } from '#shared/http.js';
import { listClusters } from './hierarchy-service.js';
import { AppPathSchema, ClusterListSchema, pageQuery } from './schemas.js';

export const handler = httpHandler({ path: AppPathSchema, query: pageQuery(20, 100), response: ClusterListSchema }, async ({ path, query }) => {
  const { clusters, total } = await listClusters(path.env, path.app_name, query.page, query.size);
  return { data: { env: path.env, clusters, total, page: query.page, size: query.size } };
});
