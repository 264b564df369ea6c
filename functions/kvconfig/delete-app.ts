import { httpHandler } from '#shared/http.js';
import { deleteApp } from './hierarchy-service.js';
import { AppPathSchema, DeletedAppSchema, ForceQuerySchema } from './schemas.js';

/** 409 while the app has clusters, unless `?force=true` (which deletes them and all they hold). */
export const handler = httpHandler({ path: AppPathSchema, query: ForceQuerySchema, response: DeletedAppSchema }, async ({ path, query }) => {
  await deleteApp(path.env, path.app_name, query.force);
  return { data: { env: path.env, app_name: path.app_name } };
});
