import kvcacheSeed from './catalog/kvcache.json' with { type: 'json' };
import minidbSeed from './catalog/minidb.json' with { type: 'json' };
import podinfoSeed from './catalog/podinfo.json' with { type: 'json' };
import type { CatalogEntry, CatalogRecord } from './catalog-schemas.js';
import { CatalogEntrySchema, SeedFileSchema } from './catalog-schemas.js';
import { CatalogEntryNotFoundError } from './errors.js';
import * as store from './store/catalog.js';

/**
 * The app store catalog: official apps seeded from `functions/appstore/catalog/*.json` (imported
 * statically, so the bundler puts them in the function), kept and edited in DynamoDB.
 */
export type { CatalogEntry, CatalogRecord } from './catalog-schemas.js';

/** The seed entries, checked against the schema when the module loads (a bad seed file fails every test). */
export const SEED_ENTRIES: readonly CatalogEntry[] = [podinfoSeed, minidbSeed, kvcacheSeed].flatMap((file) => SeedFileSchema.parse(file));

export async function getCatalogEntry(appName: string, version: string): Promise<CatalogRecord | undefined> {
  return store.getEntry(appName, version);
}

/** Every entry, or one app's versions. */
export async function listCatalog(appName?: string): Promise<CatalogRecord[]> {
  return store.listEntries(appName);
}

/** Adds or replaces an admin's entry (an admin's edit is never overwritten by seeding). */
export async function putCatalogEntry(entry: CatalogEntry, now = new Date()): Promise<CatalogRecord> {
  const record: CatalogRecord = { ...CatalogEntrySchema.parse(entry), source: 'admin', updated_at: now.toISOString() };
  await store.putEntry(record);
  return record;
}

/** Deletes an entry and answers what it was; `Catalog.NotExis` when there was none. */
export async function deleteCatalogEntry(appName: string, version: string): Promise<CatalogRecord> {
  const deleted = await store.deleteEntry(appName, version);
  if (!deleted) throw new CatalogEntryNotFoundError(appName, version);
  return deleted;
}

/**
 * Writes every seed entry that is absent, and nothing else: an entry an admin changed stays as it
 * is, and one an admin deleted comes back at the next seeding (local start, stack deployment).
 * Idempotent; answers what it wrote and what it left.
 */
export async function seedCatalog(now = new Date()): Promise<{ written: string[]; kept: string[] }> {
  const written: string[] = [];
  const kept: string[] = [];
  for (const entry of SEED_ENTRIES) {
    const outcome = await store.putEntry({ ...entry, source: 'seed', updated_at: now.toISOString() }, { onlyIfAbsent: true });
    (outcome === 'ok' ? written : kept).push(`${entry.app_name}@${entry.version}`);
  }
  return { written, kept };
}

/** `value` with every `{release}` in its strings replaced by the release name (chart values, the Service name). */
export function withRelease<T>(value: T, release: string): T {
  if (typeof value === 'string') return value.replaceAll('{release}', release) as T;
  if (Array.isArray(value)) return value.map((v: unknown) => withRelease(v, release)) as T;
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withRelease(v, release)])) as T;
  return value;
}

/** The chart values an install starts from: the entry's defaults for this release. */
export function entryValues(entry: CatalogEntry, release: string): Record<string, unknown> {
  return withRelease(entry.values, release);
}

/** The name of the Service that serves the app of this release. */
export function serviceName(entry: CatalogEntry, release: string): string {
  return withRelease(entry.service, release);
}
