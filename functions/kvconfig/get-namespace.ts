import { httpHandler } from '#shared/http.js';
import { namespaceView, requireNamespace } from './hierarchy-service.js';
import { EnvNamespaceSchema, NamespacePathSchema, toNamespace } from './schemas.js';

export const handler = httpHandler({ path: NamespacePathSchema, response: EnvNamespaceSchema }, async ({ path }) => {
  const { namespace_name, description, app_name, cluster_name, create_time, update_time } = namespaceView(await requireNamespace(toNamespace(path)));
  return { data: { env: path.env, app_name, cluster_name, namespace_name, description, create_time, update_time } };
});
