import * as z from 'zod';
import { httpHandler } from '#shared/http.js';
import { setItem } from './items-service.js';
import { ItemKeySchema, ItemValueSchema, NamespacePathSchema, SetItemSchema, toNamespace } from './schemas.js';

export const SetItemBodySchema = z.object({ key: ItemKeySchema, value: ItemValueSchema });

/** Creates or replaces an item; the caller's user is recorded as the operator. */
export const handler = httpHandler({ path: NamespacePathSchema, body: SetItemBodySchema, response: SetItemSchema }, async ({ path, body, caller }) => ({
  data: { item: await setItem(toNamespace(path), body.key, body.value, caller?.userId ?? 'anonymous') },
}));
