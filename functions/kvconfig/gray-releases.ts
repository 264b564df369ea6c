import { nowIso } from '#shared/ids.js';
import { makeGrayReleaseId } from './release-id.js';
import { deleteOverrides, writeOverrides } from './store/gray.js';
import type { GrayItemRecord, GrayReleaseRecord, ManifestEntry, OverrideEntry } from './store/records.js';
import * as releases from './store/releases.js';

/**
 * Building gray releases: main's release with the branch's overrides applied, written like any
 * release's manifest (chunks keyed by its id), with the overrides kept beside it so that the next
 * main release can be re-based with them.
 */

/** The order of DynamoDB string sort keys (UTF-8 bytes), which every manifest and the gray items are in. */
export function compareKeys(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** Gray items as overrides: a manifest entry for a value, the key alone for a key deleted in gray. */
export function overridesOf(items: readonly GrayItemRecord[]): OverrideEntry[] {
  return items.map((i): OverrideEntry => {
    if (i.deleted) return [i.key];
    return i.value === undefined ? [i.key, i.version, i.hash] : [i.key, i.version, i.hash, i.value];
  });
}

/** `base` with `overrides` applied (set, add, or delete a key); both and the result in key order. */
export function applyOverrides(base: readonly ManifestEntry[], overrides: readonly OverrideEntry[]): ManifestEntry[] {
  const out: ManifestEntry[] = [];
  let i = 0;
  for (const override of overrides) {
    const key = override[0];
    while (i < base.length && compareKeys(base[i]![0], key) < 0) out.push(base[i++]!);
    if (i < base.length && base[i]![0] === key) i += 1;
    if (override.length > 1) out.push(override as ManifestEntry);
  }
  while (i < base.length) out.push(base[i++]!);
  return out;
}

/** A written, not yet committed gray release, and how to remove it when its commit loses. */
export type PendingGrayRelease = { record: GrayReleaseRecord; discard: () => Promise<void> };

/**
 * Writes a gray release of branch `grayId`: `base` (main's release, or none) with `overrides`
 * applied. Invisible until a transaction makes it the branch's release.
 */
export async function writeGrayRelease(
  uid: string,
  input: {
    grayId: string;
    base: { release_id: string; entries: readonly ManifestEntry[] } | undefined;
    overrides: readonly OverrideEntry[];
    name: (at: string) => string;
    operator: string;
    comment: string;
  },
): Promise<PendingGrayRelease> {
  const at = new Date();
  const releaseId = makeGrayReleaseId(at);
  const entries = applyOverrides(input.base?.entries ?? [], input.overrides);
  const [chunkCount, overrideChunkCount] = await Promise.all([
    releases.writeManifest(uid, releaseId, entries),
    writeOverrides(uid, releaseId, input.overrides),
  ]);
  const time = nowIso(at);
  const record: GrayReleaseRecord = {
    release_id: releaseId,
    release_name: input.name(time),
    release_time: time,
    operator: input.operator,
    comment: input.comment,
    item_count: entries.length,
    chunk_count: chunkCount,
    override_count: input.overrides.length,
    override_chunk_count: overrideChunkCount,
    gray_id: input.grayId,
    ...(input.base ? { base_release_id: input.base.release_id } : {}),
  };
  return {
    record,
    discard: async () => {
      await Promise.all([releases.deleteManifest(uid, releaseId, chunkCount), deleteOverrides(uid, releaseId, overrideChunkCount)]);
    },
  };
}
