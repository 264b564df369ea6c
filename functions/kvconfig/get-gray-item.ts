import { httpHandler } from '#shared/http.js';
import { getGrayItem } from './gray-service.js';
import { GrayItemSchema, ItemPathSchema, toNamespace } from './schemas.js';

export const handler = httpHandler({ path: ItemPathSchema, response: GrayItemSchema }, async ({ path }) => ({
  data: await getGrayItem(toNamespace(path), path.key),
}));
