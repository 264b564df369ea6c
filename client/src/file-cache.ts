import { randomUUID } from 'node:crypto';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { NamespaceSnapshot } from './http-api.js';

/** Where a namespace is, so a cache folder shared by two apps never serves one app the other's file. */
export type NamespaceCoordinates = { readonly env: string; readonly appId: string; readonly clusterName: string; readonly namespaceName: string };

/** What a cache file holds (JSON). `version` changes when the shape does; other versions are ignored. */
type CacheFile = NamespaceCoordinates & { version: 1; releaseKey: string; savedAt: string; items: Record<string, string> };

/** `<env>+<appId>+<cluster>+<namespace>.json`: `+` is not allowed in names, so the name is unambiguous. */
export function cacheFileName(at: NamespaceCoordinates): string {
  return `${[at.env, at.appId, at.clusterName, at.namespaceName].map(encodeURIComponent).join('+')}.json`;
}

/**
 * Writes the namespace's snapshot to `<dir>/<cacheFileName>` atomically: a temporary file in the same
 * folder, flushed to disk, then renamed over the old one. A reader (or a crash) sees the old file or
 * the new one, never half of one.
 */
export async function writeCache(dir: string, at: NamespaceCoordinates, snapshot: NamespaceSnapshot): Promise<string> {
  await mkdir(dir, { recursive: true });
  const file = join(dir, cacheFileName(at));
  const temporary = join(dir, `.${cacheFileName(at)}.${process.pid}.${randomUUID()}.tmp`);
  const content: CacheFile = {
    version: 1,
    ...at,
    releaseKey: snapshot.releaseKey,
    savedAt: new Date().toISOString(),
    items: Object.fromEntries(snapshot.items),
  };
  try {
    const handle = await open(temporary, 'wx', 0o600);
    try {
      await handle.writeFile(JSON.stringify(content));
      await handle.datasync();
    } finally {
      await handle.close();
    }
    await rename(temporary, file);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
  return file;
}

/**
 * The cached snapshot of the namespace, or undefined when there is none. A file that is not a cache
 * file of this namespace (another version, damaged, edited) is treated as absent rather than served.
 */
export async function readCache(dir: string, at: NamespaceCoordinates): Promise<(NamespaceSnapshot & { savedAt: string }) | undefined> {
  let text: string;
  try {
    text = await readFile(join(dir, cacheFileName(at)), 'utf8');
  } catch (error) {
    if (error instanceof Error && 'code' in error && error.code === 'ENOENT') return undefined;
    throw error;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const file = parsed as Partial<Record<keyof CacheFile, unknown>>;
  const same = file.env === at.env && file.appId === at.appId && file.clusterName === at.clusterName && file.namespaceName === at.namespaceName;
  if (file.version !== 1 || !same || typeof file.releaseKey !== 'string' || typeof file.savedAt !== 'string') return undefined;
  if (typeof file.items !== 'object' || file.items === null || Array.isArray(file.items)) return undefined;
  const items = new Map<string, string>();
  for (const [key, value] of Object.entries(file.items)) {
    if (typeof value !== 'string') return undefined;
    items.set(key, value);
  }
  return { releaseKey: file.releaseKey, savedAt: file.savedAt, items };
}
