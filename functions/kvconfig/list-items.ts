import * as z from 'zod';
import { httpHandler } from '#shared/http.js';
import { listItems } from './items-service.js';
import { ItemListSchema, NamespacePathSchema, pageQuery, toNamespace } from './schemas.js';

export const ListItemsQuerySchema = pageQuery(20, 100).extend({ search: z.string().max(256, 'must be at most 256 characters').default('') });

export const handler = httpHandler({ path: NamespacePathSchema, query: ListItemsQuerySchema, response: ItemListSchema }, async ({ path, query }) => {
  const { items, total } = await listItems(toNamespace(path), query.page, query.size, query.search);
  return { data: { items, total, page: query.page, size: query.size } };
});
