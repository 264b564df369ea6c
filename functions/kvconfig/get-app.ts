import { httpHandler } from '#shared/http.js';
import { appView, requireApp } from './hierarchy-service.js';
import { AppPathSchema, EnvAppSchema } from './schemas.js';

export const handler = httpHandler({ path: AppPathSchema, response: EnvAppSchema }, async ({ path }) => ({
  data: { env: path.env, app: appView(await requireApp(path.env, path.app_name)) },
}));
