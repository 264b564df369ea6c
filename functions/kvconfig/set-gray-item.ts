import * as z from 'zod';
import { httpHandler } from '#shared/http.js';
import { setGrayItem } from './gray-service.js';
import { ItemKeySchema, ItemValueSchema, NamespacePathSchema, SetGrayItemSchema, toNamespace } from './schemas.js';

export const SetGrayItemBodySchema = z
  .object({
    key: ItemKeySchema,
    value: ItemValueSchema.optional(),
    /** The key is deleted for gray clients (instead of a value). */
    deleted: z.boolean().default(false),
  })
  .refine((b) => b.deleted !== (b.value !== undefined), { message: 'give either a value or "deleted": true', path: ['value'] });

/** Sets a gray item (creates or replaces it): a value, or the key deleted for gray clients. */
export const handler = httpHandler({ path: NamespacePathSchema, body: SetGrayItemBodySchema, response: SetGrayItemSchema }, async ({ path, body, caller }) => ({
  data: { item: await setGrayItem(toNamespace(path), body.key, body.deleted ? undefined : body.value, caller?.userId ?? 'anonymous') },
}));
