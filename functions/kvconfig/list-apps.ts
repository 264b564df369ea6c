import { httpHandler } from '#shared/http.js';
import { listApps } from './hierarchy-service.js';
import { AppListSchema, EnvPathSchema, pageQuery } from './schemas.js';

export const handler = httpHandler({ path: EnvPathSchema, query: pageQuery(20, 100), response: AppListSchema }, async ({ path, query }) => {
  const { apps, total } = await listApps(path.env, query.page, query.size);
  return { data: { env: path.env, apps, total, page: query.page, size: query.size } };
});
