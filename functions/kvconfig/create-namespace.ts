import * as z from 'zod';
import { httpHandler } from '#shared/http.js';
import { NameSchema } from '#shared/validation.js';
import { createNamespace } from './hierarchy-service.js';
import { ClusterPathSchema, CreatedNamespaceSchema, DescriptionSchema, eitherCase } from './schemas.js';

export const CreateNamespaceBodySchema = eitherCase(
  'namespace_name',
  'namespaceName',
  z.object({ namespace_name: NameSchema, description: DescriptionSchema.default('') }),
);

export const handler = httpHandler({ path: ClusterPathSchema, body: CreateNamespaceBodySchema, response: CreatedNamespaceSchema }, async ({ path, body }) => ({
  data: {
    namespace: await createNamespace({ env: path.env, app: path.app_name, cluster: path.cluster_name, namespace: body.namespace_name }, body.description),
  },
}));
