import * as z from 'zod';
import { httpHandler } from '#shared/http.js';
import { NameSchema } from '#shared/validation.js';
import { createApp } from './hierarchy-service.js';
import { AppSchema, DescriptionSchema, eitherCase, EnvPathSchema } from './schemas.js';

export const CreateAppBodySchema = eitherCase('app_name', 'appName', z.object({ app_name: NameSchema, description: DescriptionSchema.default('') }));

export const handler = httpHandler({ path: EnvPathSchema, body: CreateAppBodySchema, response: AppSchema }, async ({ path, body }) => ({
  data: await createApp(path.env, body.app_name, body.description),
}));
