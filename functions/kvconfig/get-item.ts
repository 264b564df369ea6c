import { httpHandler } from '#shared/http.js';
import { getItem } from './items-service.js';
import { ItemPathSchema, ItemSchema, toNamespace } from './schemas.js';

export const handler = httpHandler({ path: ItemPathSchema, response: ItemSchema }, async ({ path }) => ({ data: await getItem(toNamespace(path), path.key) }));
