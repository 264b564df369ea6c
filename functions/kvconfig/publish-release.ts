import { httpHandler } from '#shared/http.js';
import { publish } from './releases-service.js';
import { NamespacePathSchema, PublishedSchema, publishedView, ReleaseBodySchema, toNamespace } from './schemas.js';

export const PublishReleaseBodySchema = ReleaseBodySchema;

export const handler = httpHandler({ path: NamespacePathSchema, body: PublishReleaseBodySchema, response: PublishedSchema }, async ({ path, body }) => ({
  data: publishedView(await publish(toNamespace(path), body)),
}));
