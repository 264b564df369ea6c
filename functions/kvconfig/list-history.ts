import { httpHandler } from '#shared/http.js';
import { listHistory } from './items-service.js';
import { HistoryListSchema, NamespacePathSchema, pageQuery, toNamespace } from './schemas.js';

/** Beyond the document: who set, deleted, published and rolled back what, newest first. */
export const handler = httpHandler({ path: NamespacePathSchema, query: pageQuery(20, 100), response: HistoryListSchema }, async ({ path, query }) => {
  const { history, total } = await listHistory(toNamespace(path), query.page, query.size);
  return { data: { env: path.env, namespace_name: path.namespace_name, history, total, page: query.page, size: query.size } };
});
