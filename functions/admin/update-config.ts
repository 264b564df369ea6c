import { httpHandler } from '#shared/http.js';
import { ConfigViewSchema, UpdateConfigBodySchema } from './config-schemas.js';
import { updateConfig } from './config-service.js';

/**
 * Changes the settings the body names and keeps the rest; `null` puts a number back to its default;
 * `clusters` replaces the registered list. Answers the settings as GET does. 409 when `version` is
 * given and stale, or when concurrent writers keep winning.
 */
export const handler = httpHandler({ body: UpdateConfigBodySchema, response: ConfigViewSchema }, async ({ body, caller }) => ({
  data: await updateConfig(body, caller?.userId ?? 'unknown'),
}));
