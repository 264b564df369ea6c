import { httpHandler } from '#shared/http.js';
import { publish } from './releases-service.js';
import { NamespacePathSchema, PublishedSchema, ReleaseBodySchema, toNamespace } from './schemas.js';

export const PublishReleaseBodySchema = ReleaseBodySchema;

export const handler = httpHandler({ path: NamespacePathSchema, body: PublishReleaseBodySchema, response: PublishedSchema }, async ({ path, body }) => ({
  data: await publish(toNamespace(path), body).then(({ env, app_name, cluster_name, namespace_name, release_name, release_id, release_time }) => ({
    env,
    app_name,
    cluster_name,
    namespace_name,
    release_name,
    release_id,
    release_time,
  })),
}));
