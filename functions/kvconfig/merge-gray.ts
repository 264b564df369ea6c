import { httpHandler } from '#shared/http.js';
import { mergeGray } from './gray-service.js';
import { NamespacePathSchema, PublishedSchema, publishedView, ReleaseBodySchema, toNamespace } from './schemas.js';

/** The gray items become main items and a main release is published; the gray release ends and its clients move to it. */
export const handler = httpHandler({ path: NamespacePathSchema, body: ReleaseBodySchema, response: PublishedSchema }, async ({ path, body }) => ({
  data: publishedView(await mergeGray(toNamespace(path), body)),
}));
