import * as z from 'zod';
import { httpHandler } from '#shared/http.js';
import { NameSchema } from '#shared/validation.js';
import { createCluster } from './hierarchy-service.js';
import { AppPathSchema, DescriptionSchema, eitherCase, EnvClusterSchema } from './schemas.js';

export const CreateClusterBodySchema = eitherCase(
  'cluster_name',
  'clusterName',
  z.object({ cluster_name: NameSchema, description: DescriptionSchema.default('') }),
);

export const handler = httpHandler({ path: AppPathSchema, body: CreateClusterBodySchema, response: EnvClusterSchema }, async ({ path, body }) => ({
  data: { env: path.env, cluster: await createCluster(path.env, path.app_name, body.cluster_name, body.description) },
}));
