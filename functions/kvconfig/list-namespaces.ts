import { httpHandler } from '#shared/http.js';
import { listNamespaces } from './hierarchy-service.js';
import { ClusterPathSchema, NamespaceListSchema, pageQuery } from './schemas.js';

export const handler = httpHandler({ path: ClusterPathSchema, query: pageQuery(10, 100), response: NamespaceListSchema }, async ({ path, query }) => {
  const { namespaces, total } = await listNamespaces(path.env, path.app_name, path.cluster_name, query.page, query.size);
  return { data: { namespaces, total, page: query.page, size: query.size } };
});
