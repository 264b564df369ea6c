import { httpHandler } from '#shared/http.js';
import { deleteItem } from './items-service.js';
import { ItemPathSchema, toNamespace } from './schemas.js';

export const handler = httpHandler({ path: ItemPathSchema }, async ({ path, caller }) => {
  await deleteItem(toNamespace(path), path.key, caller?.userId ?? 'anonymous');
  return { data: { key: path.key, namespace_name: path.namespace_name } };
});
