import * as z from 'zod';
import { httpHandler } from '#shared/http.js';
import { listReleases } from './releases-service.js';
import { NamespacePathSchema, pageQuery, ReleaseListSchema, toNamespace } from './schemas.js';

export const ListReleasesQuerySchema = pageQuery(20, 100).extend({
  sort: z.enum(['release_time,desc', 'release_time,asc'], { message: 'must be release_time,desc or release_time,asc' }).default('release_time,desc'),
});

export const handler = httpHandler({ path: NamespacePathSchema, query: ListReleasesQuerySchema, response: ReleaseListSchema }, async ({ path, query }) => {
  const { releases, total } = await listReleases(toNamespace(path), query.page, query.size, query.sort === 'release_time,desc');
  return { data: { env: path.env, size: query.size, total, page: query.page, releases } };
});
