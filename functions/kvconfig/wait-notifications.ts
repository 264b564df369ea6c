import * as z from 'zod';
import { httpHandler } from '#shared/http.js';
import { intParam } from '#shared/validation.js';
import { waitForChange } from './client-service.js';
import { GrayClientQuery, NamespacePathSchema, ReleaseKeySchema, toNamespace } from './schemas.js';

export const WaitNotificationsQuerySchema = z.object({
  releaseKey: z.string({ message: 'is required' }).max(64, 'must be at most 64 characters'),
  timeout: intParam('timeout', { min: 1, max: 90, default: 60 }),
  ...GrayClientQuery,
});

/**
 * The long poll: the new `releaseKey` within a second of a publish or rollback, at once when the
 * client's key is stale, `{"code":408,"message":"timeout"}` when nothing changed. The key is that of
 * the release the client is served (gray or main, by `ip` — default: the caller's source address —
 * and `label`), so a gray publish wakes the clients it matches and no other. Streams, so API Gateway
 * holds the request up to 90 s.
 */
export const handler = httpHandler(
  { path: NamespacePathSchema, query: WaitNotificationsQuerySchema, response: { 200: { data: ReleaseKeySchema }, 408: { error: true } } },
  async ({ path, query, event }) => ({
    data: await waitForChange(toNamespace(path), query.releaseKey, query.timeout, {
      ip: query.ip ?? event.requestContext.identity.sourceIp,
      label: query.label,
    }),
  }),
  { streaming: true },
);
