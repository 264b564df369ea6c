import * as z from 'zod';
import { httpHandler } from '#shared/http.js';
import { intParam } from '#shared/validation.js';
import { waitForChange } from './client-service.js';
import { NamespacePathSchema, ReleaseKeySchema, toNamespace } from './schemas.js';

export const WaitNotificationsQuerySchema = z.object({
  releaseKey: z.string({ message: 'is required' }).max(64, 'must be at most 64 characters'),
  timeout: intParam('timeout', { min: 1, max: 90, default: 60 }),
  label: z.string().max(256).optional(),
  ip: z.string().max(64).optional(),
});

/**
 * The long poll: the new `releaseKey` within a second of a publish or rollback, at once when the
 * client's key is stale, `{"code":408,"message":"timeout"}` when nothing changed. Streams, so API
 * Gateway holds the request up to 90 s.
 */
export const handler = httpHandler(
  { path: NamespacePathSchema, query: WaitNotificationsQuerySchema, response: { 200: { data: ReleaseKeySchema }, 408: { error: true } } },
  async ({ path, query }) => ({ data: await waitForChange(toNamespace(path), query.releaseKey, query.timeout) }),
  { streaming: true },
);
