import { hash } from 'node:crypto';
import { HttpError } from '#shared/errors.js';
import { NeverReleasedError } from './errors.js';
import { watchHead } from './head-watch.js';
import { requireNamespace } from './hierarchy-service.js';
import type { NamespacePath } from './keys.js';
import type { GrayClient } from './gray.js';
import { servedHead } from './gray.js';
import { changesSince } from './releases-service.js';
import { readValues } from './store/items.js';
import { readManifestRange } from './store/releases.js';
import type { ManifestRef } from './store/releases.js';
import { configPages } from './page-cache.js';

export { servedHead } from './gray.js';
export type { GrayClient, ServedHead } from './gray.js';

/** What application instances call all day: `configs` (a page of the latest release) and the long poll. */

export type ConfigsPage = {
  env: string;
  appId: string;
  clusterName: string;
  namespaceName: string;
  releaseKey: string;
  comment: string;
  total: number;
  page: number;
  size: number;
  items: Record<string, string>;
  changes: { updates: string[]; adds: string[]; deletes: string[] } | null;
};

/** Strong validator of a configs answer: the release it shows and the request's page shape. */
function etagOf(releaseId: string, page: number, size: number, releaseKey: string | undefined): string {
  return `"${hash('sha256', `${releaseId}|${page}|${size}|${releaseKey ?? ''}`, 'base64url').slice(0, 27)}"`;
}

/**
 * A page of the release `client` is served (the gray release when it matches the gray rules, else
 * the latest main release). Reads: the namespace item (the head), then — unless the container has
 * the page of that release cached — the manifest chunks covering the page and its values; plus,
 * with a `releaseKey` other than the served one, that release's item and both manifests. A matching
 * `If-None-Match` answers 304 after the first read.
 */
export async function readConfigs(
  p: NamespacePath,
  input: { releaseKey?: string | undefined; page: number; size: number; ifNoneMatch?: string | undefined; client?: GrayClient },
): Promise<{ notModified: true; etag: string } | { notModified: false; etag: string; page: ConfigsPage }> {
  const ns = await requireNamespace(p);
  const head = servedHead(ns, input.client ?? {});
  if (!head) throw new NeverReleasedError(p.namespace);
  const etag = etagOf(head.release_id, input.page, input.size, input.releaseKey);
  if (
    input.ifNoneMatch &&
    input.ifNoneMatch
      .split(',')
      .map((t) => t.trim())
      .includes(etag)
  )
    return { notModified: true, etag };
  const offset = (input.page - 1) * input.size;
  const items = await releasedPage(ns.uid, head, offset, input.size);
  const changed = input.releaseKey ? await changesSince(ns, input.releaseKey, { head }) : undefined;
  return {
    notModified: false,
    etag,
    page: {
      env: p.env,
      appId: p.app,
      clusterName: p.cluster,
      namespaceName: p.namespace,
      releaseKey: head.release_id,
      comment: head.comment,
      total: head.item_count,
      page: input.page,
      size: input.size,
      items,
      changes: changed ? { updates: changed.updated, adds: changed.added, deletes: changed.deleted } : null,
    },
  };
}

/**
 * Items [offset, offset + size) of a release with their values: from the container's page cache, or
 * read (the covering manifest chunks and the values they name) and cached — a release never changes.
 */
async function releasedPage(uid: string, head: ManifestRef, offset: number, size: number): Promise<Readonly<Record<string, string>>> {
  const key = `${uid}|${head.release_id}|${offset}|${size}`;
  const cached = configPages.get(key);
  if (cached) return cached;
  const entries = await readManifestRange(uid, head, offset, offset + size);
  const values = await readValues(
    uid,
    entries.map(([key, version, , value]) => [key, version, value] as const),
  );
  const items = Object.fromEntries(entries.map(([item]) => [item, values.get(item) ?? '']));
  configPages.set(key, items);
  return items;
}

/** The long poll ran out of time with no change: the family's `{"code":408,"message":"timeout"}`. */
export class PollTimeoutError extends HttpError {
  override name = 'PollTimeoutError';
  constructor() {
    super(408, 'timeout');
  }
}

/**
 * Waits until the release `client` is served (gray or main, see servedHead) differs from
 * `releaseKey` and returns it; answers at once when the client's key is already stale, 404 at once
 * when the client is served no release, and throws PollTimeoutError after `timeoutSeconds`. A gray
 * publish, merge, abandon or rules change wakes exactly the clients whose served release it changes.
 */
export async function waitForChange(p: NamespacePath, releaseKey: string, timeoutSeconds: number, client: GrayClient = {}): Promise<{ releaseKey: string }> {
  const ns = await requireNamespace(p, false);
  const served = servedHead(ns, client)?.release_id;
  // As `configs` does: there is nothing to wait for a change of, and a client holding a poll open
  // for the whole timeout would only learn that later.
  if (!served) throw new NeverReleasedError(p.namespace);
  if (served !== releaseKey) return { releaseKey: served };
  return new Promise((done, fail) => {
    const timer = setTimeout(() => {
      stop();
      fail(new PollTimeoutError());
    }, timeoutSeconds * 1000);
    const stop = watchHead(p, (head) => {
      const latest = head && servedHead(head, client)?.release_id;
      if (latest && latest !== releaseKey) {
        clearTimeout(timer);
        stop();
        done({ releaseKey: latest });
      }
    });
  });
}
