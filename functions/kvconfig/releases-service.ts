import { InternalError } from '#shared/errors.js';
import { nowIso } from '#shared/ids.js';
import { ConfigNotFoundError, GrayNotFoundError, NeverReleasedError } from './errors.js';
import type { PendingGrayRelease } from './gray-releases.js';
import { writeGrayRelease } from './gray-releases.js';
import { headChanged } from './head-watch.js';
import { requireNamespace } from './hierarchy-service.js';
import type { NamespacePath } from './keys.js';
import { isGrayReleaseId, makeReleaseId, seqOfReleaseId } from './release-id.js';
import type { Attempt } from './release-turns.js';
import { inTurn } from './release-turns.js';
import { getGrayRelease, readOverrides } from './store/gray.js';
import { allPointers, readValues } from './store/items.js';
import type { ManifestEntry, NamespaceRecord, ReleaseRecord } from './store/records.js';
import * as releases from './store/releases.js';
import type { ManifestRef } from './store/releases.js';

/** Publishing, listing, reading and rolling back immutable releases. */

export type ReleaseView = {
  app_name: string;
  cluster_name: string;
  namespace_name: string;
  release_id: string;
  release_name: string;
  release_time: string;
  operator: string;
  comment: string;
};

export type Changed = { added: string[]; updated: string[]; deleted: string[] };

const view = (p: NamespacePath, r: ReleaseRecord): ReleaseView => ({
  app_name: p.app,
  cluster_name: p.cluster,
  namespace_name: p.namespace,
  release_id: r.release_id,
  release_name: r.release_name,
  release_time: r.release_time,
  operator: r.operator,
  comment: r.comment,
});

/** `yyyyMMddHHmmss` in UTC, for generated release names. */
const stamp = (iso: string) => iso.replace(/[-:TZ]/g, '').slice(0, 14);

/** Writers of one namespace's releases — main and gray — take turns under this key. */
export const turnKeyOf = (p: NamespacePath) => `${p.env}/${p.app}/${p.cluster}/${p.namespace}`;

/** What a main release does to the gray branch: re-base its published release (publish, rollback), or end it (merge). */
type GrayMode = 'rebase' | 'merge';

/**
 * Commits a new release whose manifest `entriesOf` computes from the namespace as read. Writers of
 * one namespace take turns (`inTurn`): each gets its release, in order, or a 409 telling it to retry
 * once its time budget is spent, so concurrent publishes form a total order and none answers 500.
 * With a published gray release, the same transaction re-bases it on the new release (gray clients
 * get main's changes under their overrides); a merge (`mode` merge) instead ends the branch.
 */
export async function commit(
  p: NamespacePath,
  meta: { name: (ns: NamespaceRecord, at: string) => string; operator: string; comment: string },
  action: 'publish' | 'rollback' | 'gray_merge',
  entriesOf: (ns: NamespaceRecord) => Promise<ManifestEntry[]>,
  mode: GrayMode = 'rebase',
): Promise<ReleaseView> {
  const committed = await inTurn(
    turnKeyOf(p),
    async (): Promise<Attempt<ReleaseView>> => {
      const ns = await requireNamespace(p);
      if (mode === 'merge' && !ns.gray) throw new GrayNotFoundError(p.namespace);
      const entries = await entriesOf(ns);
      const at = new Date();
      const time = nowIso(at);
      const seq = ns.latest_seq + 1;
      const releaseId = makeReleaseId(seq, at);
      const chunkCount = await releases.writeManifest(ns.uid, releaseId, entries);
      const record: ReleaseRecord = {
        seq,
        release_id: releaseId,
        release_name: meta.name(ns, time),
        release_time: time,
        operator: meta.operator,
        comment: meta.comment,
        item_count: entries.length,
        chunk_count: chunkCount,
      };
      let gray: releases.GrayCommit = { kind: 'none' };
      let rebased: PendingGrayRelease | undefined;
      if (mode === 'merge' && ns.gray) gray = { kind: 'end', grayId: ns.gray.id, rev: ns.gray.rev };
      else if (ns.gray?.release) {
        rebased = await rebase(ns.uid, ns.gray.id, ns.gray.release.release_id, { release_id: releaseId, entries });
        gray = { kind: 'rebase', grayId: ns.gray.id, previousId: ns.gray.release.release_id, record: rebased.record };
      }
      const outcome = await releases.commitRelease(p, ns.uid, ns.latest_seq, record, action, gray);
      if (outcome === 'committed') return { committed: view(p, record) };
      await Promise.all([releases.deleteManifest(ns.uid, releaseId, chunkCount), rebased?.discard()]);
      if (outcome === 'no-namespace') throw new ConfigNotFoundError('namespace', p.namespace);
      return 'lost';
    },
    { what: p.namespace },
  );
  // After the turn: the next writer need not wait for this process's waiters to be told.
  await headChanged(p);
  return committed;
}

/** The published gray release `previousId`, built again on main's new release with the same overrides, name and comment. */
async function rebase(
  uid: string,
  grayId: string,
  previousId: string,
  base: { release_id: string; entries: readonly ManifestEntry[] },
): Promise<PendingGrayRelease> {
  const previous = await getGrayRelease(uid, previousId, true);
  if (!previous) throw new InternalError(`gray release ${previousId} is missing`);
  return writeGrayRelease(uid, {
    grayId,
    base,
    overrides: await readOverrides(uid, previous),
    name: () => previous.release_name,
    operator: previous.operator,
    comment: previous.comment,
  });
}

/** Publishes the namespace's current items as a new immutable release. */
export async function publish(
  p: NamespacePath,
  input: { operator: string; release_name?: string | undefined; comment?: string | undefined },
): Promise<ReleaseView & { env: string }> {
  const released = await commit(
    p,
    { name: (_ns, at) => input.release_name ?? `${p.app}.${p.cluster}.${p.namespace}.${stamp(at)}`, operator: input.operator, comment: input.comment ?? '' },
    'publish',
    async (ns) =>
      (await allPointers(ns.uid)).map((i): ManifestEntry => (i.value === undefined ? [i.sk, i.version, i.hash] : [i.sk, i.version, i.hash, i.value])),
  );
  return { env: p.env, ...released };
}

/** Finds a release of the namespace by id; undefined for an unknown or forged id. */
async function findRelease(ns: NamespaceRecord, id: string): Promise<ReleaseRecord | undefined> {
  const seq = seqOfReleaseId(id);
  if (seq === undefined || seq < 1 || seq > ns.latest_seq) return undefined;
  const record = await releases.getRelease(ns.uid, seq);
  return record?.release_id === id ? record : undefined;
}

/** Publishes a new release equal to the target's items, named `rollback_to_<release_id>`. */
export async function rollback(
  p: NamespacePath,
  targetId: string,
  input: { operator: string; comment?: string | undefined },
): Promise<ReleaseView & { env: string }> {
  const first = await requireNamespace(p);
  const target = await findRelease(first, targetId);
  if (!target) throw new ConfigNotFoundError('release', targetId);
  const entries = await releases.readManifest(first.uid, target);
  const released = await commit(
    p,
    { name: () => `rollback_to_${targetId}`, operator: input.operator, comment: input.comment ?? '' },
    'rollback',
    async () => entries,
  );
  return { env: p.env, ...released };
}

export async function listReleases(p: NamespacePath, page: number, size: number, newestFirst: boolean): Promise<{ releases: ReleaseView[]; total: number }> {
  const ns = await requireNamespace(p);
  const records = await releases.listReleases(ns.uid, (page - 1) * size, size, newestFirst);
  // Sequence numbers are gap-free (a commit requires the head at seq - 1), so the head is the count.
  return { releases: records.map((r) => view(p, r)), total: ns.latest_seq };
}

/** Adds, updates and deletes between two manifests, by value hash, each in key order. */
export function diffManifests(before: readonly ManifestEntry[], after: readonly ManifestEntry[]): Changed {
  const old = new Map(before.map(([key, , hash]) => [key, hash]));
  const now = new Map(after.map(([key, , hash]) => [key, hash]));
  const added: string[] = [];
  const updated: string[] = [];
  for (const [key, hash] of now) {
    const was = old.get(key);
    if (was === undefined) added.push(key);
    else if (was !== hash) updated.push(key);
  }
  const deleted = [...old.keys()].filter((key) => !now.has(key));
  return { added, updated, deleted };
}

/** The head release as a manifest reference, from the namespace item alone. */
export function headOf(ns: NamespaceRecord): { release_id: string; item_count: number } | undefined {
  return ns.latest_release_id ? { release_id: ns.latest_release_id, item_count: ns.latest_item_count ?? 0 } : undefined;
}

/** A main or gray release of the namespace by id, as a manifest reference; undefined for an unknown or forged id. */
async function findManifest(ns: NamespaceRecord, id: string): Promise<ManifestRef | undefined> {
  if (isGrayReleaseId(id)) return getGrayRelease(ns.uid, id);
  return findRelease(ns, id);
}

/**
 * Changes from release `id` (main or gray) to `head` — the release the client is served, main's by
 * default; undefined when the id is not one of the namespace's releases.
 */
export async function changesSince(
  ns: NamespaceRecord,
  id: string,
  options: { head?: ManifestRef | undefined; headEntries?: readonly ManifestEntry[] } = {},
): Promise<Changed | undefined> {
  const head = 'head' in options ? options.head : headOf(ns);
  if (!head) return undefined;
  if (id === head.release_id) return { added: [], updated: [], deleted: [] };
  const old = await findManifest(ns, id);
  if (!old) return undefined;
  const [before, after] = await Promise.all([releases.readManifest(ns.uid, old), options.headEntries ?? releases.readManifest(ns.uid, head)]);
  return diffManifests(before, after);
}

/**
 * The latest release with all its items, and what changed relative to `releaseId` (empty lists for
 * an unknown or empty id, as CONTRACTS.md decides).
 */
export async function getLatestRelease(p: NamespacePath, releaseId: string) {
  const ns = await requireNamespace(p);
  const head = headOf(ns);
  if (!head) throw new NeverReleasedError(p.namespace);
  const latest = await releases.getRelease(ns.uid, ns.latest_seq);
  if (!latest) throw new InternalError(`release ${head.release_id} is missing`);
  const entries = await releases.readManifest(ns.uid, head);
  const values = await readValues(
    ns.uid,
    entries.map(([key, version, , value]) => [key, version, value] as const),
  );
  const changed = (releaseId && (await changesSince(ns, releaseId, { headEntries: entries }))) || { added: [], updated: [], deleted: [] };
  return { env: p.env, ...view(p, latest), items: entries.map(([key]) => ({ key, value: values.get(key) ?? '' })), changed };
}
