import * as z from 'zod';
import { httpHandler } from '#shared/http.js';
import { multiLine } from '#shared/validation.js';
import { setItem } from './items-service.js';
import { ItemKeySchema, NamespacePathSchema, toNamespace } from './schemas.js';

const MAX_VALUE_BYTES = 64 * 1024;

export const SetItemBodySchema = z.object({
  key: ItemKeySchema,
  // A value may be a whole file: tabs and line breaks are kept, other control characters refused.
  value: multiLine(z.string()).refine((v) => Buffer.byteLength(v, 'utf8') <= MAX_VALUE_BYTES, 'must be at most 64 KiB (UTF-8)'),
});

/** Creates or replaces an item; the caller's user is recorded as the operator. */
export const handler = httpHandler({ path: NamespacePathSchema, body: SetItemBodySchema }, async ({ path, body, caller }) => ({
  data: { item: await setItem(toNamespace(path), body.key, body.value, caller?.userId ?? 'anonymous') },
}));
