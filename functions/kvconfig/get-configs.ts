import * as z from 'zod';
import { headerValue } from '#shared/headers.js';
import { httpHandler } from '#shared/http.js';
import { readConfigs } from './client-service.js';
import { ConfigsPageSchema, ETAG_HEADER, NamespacePathSchema, pageQuery, toNamespace } from './schemas.js';

export const GetConfigsQuerySchema = pageQuery(100, 500).extend({
  releaseKey: z.string().max(64, 'must be at most 64 characters').optional(),
  label: z.string().max(256).optional(),
  ip: z.string().max(64).optional(),
});

/**
 * A page of the latest release, with `ETag` / `If-None-Match` (304). Streams its answer: 500 values
 * of 64 KiB exceed Lambda's 6 MB buffered response. `label` and `ip` are accepted and reserved.
 */
export const handler = httpHandler(
  {
    path: NamespacePathSchema,
    query: GetConfigsQuerySchema,
    response: { 200: { data: ConfigsPageSchema, headers: ETAG_HEADER }, 304: { headers: ETAG_HEADER } },
  },
  async ({ path, query, event }) => {
    const ifNoneMatch = headerValue(event.headers, 'if-none-match');
    const result = await readConfigs(toNamespace(path), { releaseKey: query.releaseKey, page: query.page, size: query.size, ifNoneMatch });
    const headers = { etag: result.etag, 'cache-control': 'no-cache' };
    return result.notModified ? { statusCode: 304, headers } : { headers, data: result.page };
  },
  { streaming: true },
);
