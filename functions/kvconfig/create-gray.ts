import { httpHandler } from '#shared/http.js';
import { createGray } from './gray-service.js';
import { GrayRulesBodySchema, GraySchema, NamespacePathSchema, toNamespace } from './schemas.js';

/** Opens the namespace's gray release with its rules (409 when it has one); the caller is recorded as the operator. */
export const handler = httpHandler({ path: NamespacePathSchema, body: GrayRulesBodySchema, response: GraySchema }, async ({ path, body, caller }) => ({
  data: await createGray(toNamespace(path), body, caller?.userId ?? 'anonymous'),
}));
