import { httpHandler } from '#shared/http.js';
import { deleteItem } from './items-service.js';
import { DeletedItemSchema, ItemPathSchema, toNamespace } from './schemas.js';

export const handler = httpHandler({ path: ItemPathSchema, response: DeletedItemSchema }, async ({ path, caller }) => {
  await deleteItem(toNamespace(path), path.key, caller?.userId ?? 'anonymous');
  return { data: { key: path.key, namespace_name: path.namespace_name } };
});
