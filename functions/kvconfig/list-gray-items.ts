import { httpHandler } from '#shared/http.js';
import { listGrayItems } from './gray-service.js';
import { GrayItemListSchema, NamespacePathSchema, pageQuery, toNamespace } from './schemas.js';

export const handler = httpHandler({ path: NamespacePathSchema, query: pageQuery(20, 100), response: GrayItemListSchema }, async ({ path, query }) => {
  const { items, total } = await listGrayItems(toNamespace(path), query.page, query.size);
  return {
    data: {
      items: items.map((i) => ({ key: i.key, value: i.value, deleted: i.deleted, created_at: i.create_time, updated_at: i.update_time })),
      total,
      page: query.page,
      size: query.size,
    },
  };
});
