import { httpHandler } from '#shared/http.js';
import { deleteNamespace } from './hierarchy-service.js';
import { DeletedNamespaceSchema, ForceQuerySchema, NamespacePathSchema, toNamespace } from './schemas.js';

/** 409 while the namespace has items or releases, unless `?force=true`. */
export const handler = httpHandler({ path: NamespacePathSchema, query: ForceQuerySchema, response: DeletedNamespaceSchema }, async ({ path, query }) => {
  await deleteNamespace(toNamespace(path), query.force);
  return { data: { namespace: { namespace_name: path.namespace_name, app_name: path.app_name, cluster_name: path.cluster_name } } };
});
