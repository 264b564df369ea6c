import * as z from 'zod';
import { httpHandler } from '#shared/http.js';
import { updateApp } from './hierarchy-service.js';
import { AppPathSchema, DescriptionSchema, EnvAppSchema } from './schemas.js';

export const UpdateAppBodySchema = z.object({ description: DescriptionSchema.optional() });

export const handler = httpHandler({ path: AppPathSchema, body: UpdateAppBodySchema, response: EnvAppSchema }, async ({ path, body }) => ({
  data: { env: path.env, app: await updateApp(path.env, path.app_name, body.description) },
}));
