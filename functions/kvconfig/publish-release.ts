import * as z from 'zod';
import { httpHandler } from '#shared/http.js';
import { singleLine } from '#shared/validation.js';
import { publish } from './releases-service.js';
import { DescriptionSchema, NamespacePathSchema, OperatorSchema, toNamespace } from './schemas.js';

export const PublishReleaseBodySchema = z.object({
  operator: OperatorSchema,
  release_name: singleLine(z.string().min(1).max(128, 'must be at most 128 characters')).optional(),
  comment: DescriptionSchema.optional(),
});

export const handler = httpHandler({ path: NamespacePathSchema, body: PublishReleaseBodySchema }, async ({ path, body }) => ({
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
