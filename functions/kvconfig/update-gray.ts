import { httpHandler } from '#shared/http.js';
import { updateGrayRules } from './gray-service.js';
import { GrayRulesBodySchema, GraySchema, NamespacePathSchema, toNamespace } from './schemas.js';

/** Replaces the gray rules (an omitted list is empty); takes effect for clients at once, without a publish. */
export const handler = httpHandler({ path: NamespacePathSchema, body: GrayRulesBodySchema, response: GraySchema }, async ({ path, body, caller }) => ({
  data: await updateGrayRules(toNamespace(path), body, caller?.userId ?? 'anonymous'),
}));
