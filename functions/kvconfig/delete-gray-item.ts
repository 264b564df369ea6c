import { httpHandler } from '#shared/http.js';
import { deleteGrayItem } from './gray-service.js';
import { DeletedItemSchema, ItemPathSchema, toNamespace } from './schemas.js';

/** Removes a gray item: the next gray publish serves main's value of the key again. */
export const handler = httpHandler({ path: ItemPathSchema, response: DeletedItemSchema }, async ({ path, caller }) => {
  await deleteGrayItem(toNamespace(path), path.key, caller?.userId ?? 'anonymous');
  return { data: { key: path.key, namespace_name: path.namespace_name } };
});
