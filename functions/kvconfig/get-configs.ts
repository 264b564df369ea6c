import * as z from 'zod';
import { headerValue } from '#shared/headers.js';
import { httpHandler } from '#shared/http.js';
import { readConfigs } from './client-service.js';
import type { ConfigsPage } from './client-service.js';
import { ConfigsPageSchema, ETAG_HEADER, GrayClientQuery, NamespacePathSchema, pageQuery, toNamespace } from './schemas.js';

export const GetConfigsQuerySchema = pageQuery(100, 500).extend({
  releaseKey: z.string().max(64, 'must be at most 64 characters').optional(),
  ...GrayClientQuery,
});

/**
 * A page of the release the client is served, with `ETag` / `If-None-Match` (304): the gray release
 * when its `ip` (default: the caller's source address) or one of its `label`s matches the gray
 * rules, else the latest release. Streams its answer: 500 values of 64 KiB exceed Lambda's 6 MB
 * buffered response.
 */
export const handler = httpHandler(
  {
    path: NamespacePathSchema,
    query: GetConfigsQuerySchema,
    response: { 200: { data: ConfigsPageSchema, headers: ETAG_HEADER }, 304: { headers: ETAG_HEADER } },
  },
  async ({ path, query, event }) => {
    const ifNoneMatch = headerValue(event.headers, 'if-none-match');
    const client = { ip: query.ip ?? event.requestContext.identity.sourceIp, label: query.label };
    const result = await readConfigs(toNamespace(path), { releaseKey: query.releaseKey, page: query.page, size: query.size, ifNoneMatch, client });
    const headers = { etag: result.etag, 'cache-control': 'no-cache' };
    return result.notModified ? { statusCode: 304, headers } : { headers, dataJson: pageJson(result.page) };
  },
  { streaming: true },
);

/**
 * The page as JSON. The items of a cached page are one immutable object for every request that
 * reads it (page-cache.ts), so their text is kept beside them rather than ~12 KB serialized again
 * per request; the other fields are serialized each time, in the page's own order.
 */
const itemsJson = new WeakMap<object, string>();

function pageJson(page: ConfigsPage): string {
  const { items, changes, ...head } = page;
  let itemsText = itemsJson.get(items);
  if (itemsText === undefined) {
    itemsText = JSON.stringify(items);
    itemsJson.set(items, itemsText);
  }
  return `${JSON.stringify(head).slice(0, -1)},"items":${itemsText},"changes":${JSON.stringify(changes)}}`;
}
