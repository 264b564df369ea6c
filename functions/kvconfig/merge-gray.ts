import { httpHandler } from '#shared/http.js';
import { mergeGray } from './gray-service.js';
import { NamespacePathSchema, PublishedSchema, ReleaseBodySchema, toNamespace } from './schemas.js';

/** The gray items become main items and a main release is published; the gray release ends and its clients move to it. */
export const handler = httpHandler({ path: NamespacePathSchema, body: ReleaseBodySchema, response: PublishedSchema }, async ({ path, body }) => ({
  data: await mergeGray(toNamespace(path), body).then(({ env, app_name, cluster_name, namespace_name, release_name, release_id, release_time }) => ({
    env,
    app_name,
    cluster_name,
    namespace_name,
    release_name,
    release_id,
    release_time,
  })),
}));
