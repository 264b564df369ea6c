import { httpHandler } from '#shared/http.js';
import { getItem } from './items-service.js';
import { ItemPathSchema, toNamespace } from './schemas.js';

export const handler = httpHandler({ path: ItemPathSchema }, async ({ path }) => ({ data: await getItem(toNamespace(path), path.key) }));
