import { httpHandler } from '#shared/http.js';
import { publishGray } from './gray-service.js';
import { GrayPublishedSchema, NamespacePathSchema, ReleaseBodySchema, toNamespace } from './schemas.js';

/** Publishes the gray release: main's latest release with the gray items applied, served to matching clients. */
export const handler = httpHandler({ path: NamespacePathSchema, body: ReleaseBodySchema, response: GrayPublishedSchema }, async ({ path, body }) => ({
  data: await publishGray(toNamespace(path), body),
}));
