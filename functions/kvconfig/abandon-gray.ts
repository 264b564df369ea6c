import { httpHandler } from '#shared/http.js';
import { abandonGray } from './gray-service.js';
import { AbandonedGraySchema, NamespacePathSchema, toNamespace } from './schemas.js';

/** Ends the gray release without merging it: its clients are served the main release again. */
export const handler = httpHandler({ path: NamespacePathSchema, response: AbandonedGraySchema }, async ({ path, caller }) => ({
  data: await abandonGray(toNamespace(path), caller?.userId ?? 'anonymous'),
}));
