import { newId, nowIso } from '#shared/ids.js';
import { logger } from '#shared/observability.js';
import { ConfigNotFoundError, GrayExistsError, GrayFullError, GrayNotFoundError, NamespaceFullError } from './errors.js';
import { normalizeIp } from './gray.js';
import { overridesOf, writeGrayRelease } from './gray-releases.js';
import { headChanged } from './head-watch.js';
import { requireNamespace } from './hierarchy-service.js';
import type { NamespacePath } from './keys.js';
import type { Attempt } from './release-turns.js';
import { inTurn } from './release-turns.js';
import type { ReleaseView } from './releases-service.js';
import { commit, headOf, turnKeyOf } from './releases-service.js';
import * as store from './store/gray.js';
import * as items from './store/items.js';
import type { GrayItemRecord, GrayState, ManifestEntry, NamespaceRecord } from './store/records.js';
import { readManifest } from './store/releases.js';

/**
 * Gray releases, as Apollo has them: a namespace's one gray branch holds rules (client IPs and/or
 * labels) and gray items that set, add or delete keys over the main release. Publishing the branch
 * makes an immutable gray release (main's latest release with the gray items applied) that matching
 * clients are served; a merge makes the gray items main items and publishes them; abandoning ends
 * the branch. Every change is in the namespace's history.
 */

export type GrayRules = { ips: string[]; labels: string[] };

export type GrayReleaseView = {
  release_id: string;
  release_name: string;
  release_time: string;
  operator: string;
  comment: string;
  item_count: number;
  base_release_id: string | null;
};

export type GrayView = {
  env: string;
  app_name: string;
  cluster_name: string;
  namespace_name: string;
  gray_id: string;
  rules: GrayRules;
  item_count: number;
  operator: string;
  create_time: string;
  update_time: string;
  release: GrayReleaseView | null;
};

export type GrayItemView = { key: string; value: string; deleted: boolean; namespace_name: string; create_time: string; update_time: string };

/** At most this many gray items per branch, as main items per namespace. */
export const MAX_GRAY_ITEMS = items.MAX_ITEMS;

/** Rules as stored: IPs in one spelling each (see normalizeIp), no repeats. */
export function normalizeRules(rules: GrayRules): GrayRules {
  return { ips: [...new Set(rules.ips.map(normalizeIp))], labels: [...new Set(rules.labels)] };
}

function grayView(p: NamespacePath, gray: GrayState): GrayView {
  const r = gray.release;
  return {
    env: p.env,
    app_name: p.app,
    cluster_name: p.cluster,
    namespace_name: p.namespace,
    gray_id: gray.id,
    rules: { ips: gray.ips, labels: gray.labels },
    item_count: gray.item_count,
    operator: gray.operator,
    create_time: gray.create_time,
    update_time: gray.update_time,
    release: r
      ? {
          release_id: r.release_id,
          release_name: r.release_name,
          release_time: r.release_time,
          operator: r.operator,
          comment: r.comment,
          item_count: r.item_count,
          base_release_id: r.base_release_id ?? null,
        }
      : null,
  };
}

/** The namespace and its open branch, or a 404 naming what is missing. */
async function requireGray(p: NamespacePath): Promise<{ ns: NamespaceRecord; gray: GrayState }> {
  const ns = await requireNamespace(p);
  if (!ns.gray) throw new GrayNotFoundError(p.namespace);
  return { ns, gray: ns.gray };
}

/** Opens the namespace's gray branch with `rules`; 409 when it has one. */
export async function createGray(p: NamespacePath, rules: GrayRules, operator: string): Promise<GrayView> {
  const ns = await requireNamespace(p);
  const now = nowIso();
  const gray: GrayState = { id: newId('g'), ...normalizeRules(rules), rev: 0, item_count: 0, operator, create_time: now, update_time: now };
  const outcome = await store.createBranch(p, ns.uid, gray);
  if (outcome === 'exists') throw new GrayExistsError(p.namespace);
  if (outcome === 'no-namespace') throw new ConfigNotFoundError('namespace', p.namespace);
  return grayView(p, gray);
}

export async function getGray(p: NamespacePath): Promise<GrayView> {
  const { gray } = await requireGray(p);
  return grayView(p, gray);
}

/**
 * Replaces the rules. Clients the change moves between the main and the gray release are told at
 * once when their long poll runs in this process, else at its next read.
 */
export async function updateGrayRules(p: NamespacePath, rules: GrayRules, operator: string): Promise<GrayView> {
  const { ns, gray } = await requireGray(p);
  const now = nowIso();
  const normalized = normalizeRules(rules);
  const outcome = await store.updateRules(p, ns.uid, gray.id, normalized, operator, now);
  if (outcome === 'no-namespace') throw new ConfigNotFoundError('namespace', p.namespace);
  if (outcome === 'no-gray') throw new GrayNotFoundError(p.namespace);
  await headChanged(p);
  return grayView(p, { ...gray, ...normalized, update_time: now });
}

/** Ends the branch without merging: its clients are served the main release again. */
export async function abandonGray(p: NamespacePath, operator: string): Promise<{ namespace_name: string; gray_id: string; releaseKey: string | null }> {
  const ended = await inTurn(
    turnKeyOf(p),
    async (): Promise<Attempt<{ ns: NamespaceRecord; gray: GrayState }>> => {
      const { ns, gray } = await requireGray(p);
      const outcome = await store.abandonBranch(p, ns.uid, gray.id, operator, nowIso());
      if (outcome === 'no-namespace') throw new ConfigNotFoundError('namespace', p.namespace);
      if (outcome === 'no-gray') throw new GrayNotFoundError(p.namespace);
      return { committed: { ns, gray } };
    },
    { what: p.namespace },
  );
  await headChanged(p);
  await cleanUp(ended.ns.uid, ended.gray.id);
  return { namespace_name: p.namespace, gray_id: ended.gray.id, releaseKey: ended.ns.latest_release_id ?? null };
}

/** Removes an ended branch's items; they are unreachable already, so a failure only leaves garbage. */
async function cleanUp(uid: string, grayId: string): Promise<void> {
  try {
    await store.deleteBranchItems(uid, grayId);
  } catch (error) {
    logger.warn('gray items of an ended branch were not all deleted', { grayId, error });
  }
}

async function withValues(uid: string, records: readonly GrayItemRecord[]): Promise<(GrayItemRecord & { text: string })[]> {
  const values = await items.readValues(
    uid,
    records.map((r) => [r.key, r.version, r.value] as const),
  );
  return records.map((r) => ({ ...r, text: r.deleted ? '' : (values.get(r.key) ?? '') }));
}

const itemView = (p: NamespacePath, r: GrayItemRecord, value: string): GrayItemView => ({
  key: r.key,
  value,
  deleted: r.deleted,
  namespace_name: p.namespace,
  create_time: r.create_time,
  update_time: r.update_time,
});

/** Sets a gray item: `value` for gray clients, or (`value` undefined) the key deleted for them. */
export async function setGrayItem(p: NamespacePath, key: string, value: string | undefined, operator: string): Promise<GrayItemView> {
  const { ns, gray } = await requireGray(p);
  const outcome = await store.setGrayItem(p, ns.uid, gray.id, key, value, { operator, now: nowIso(), max: MAX_GRAY_ITEMS });
  if (outcome.kind === 'no-namespace') throw new ConfigNotFoundError('namespace', p.namespace);
  if (outcome.kind === 'no-gray') throw new GrayNotFoundError(p.namespace);
  if (outcome.kind === 'full') throw new GrayFullError(MAX_GRAY_ITEMS);
  return itemView(p, outcome.item, value ?? '');
}

export async function getGrayItem(p: NamespacePath, key: string): Promise<GrayItemView> {
  const { ns, gray } = await requireGray(p);
  const record = await store.getGrayItem(ns.uid, gray.id, key);
  if (!record) throw new ConfigNotFoundError('gray item', key);
  const [item] = await withValues(ns.uid, [record]);
  return itemView(p, record, item?.text ?? '');
}

/** Removes a gray item: gray clients get main's value of the key again at the next gray publish. */
export async function deleteGrayItem(p: NamespacePath, key: string, operator: string): Promise<void> {
  const { ns, gray } = await requireGray(p);
  const outcome = await store.deleteGrayItem(p, ns.uid, gray.id, key, operator, nowIso());
  if (outcome === 'missing') throw new ConfigNotFoundError('gray item', key);
  if (outcome === 'no-namespace') throw new ConfigNotFoundError('namespace', p.namespace);
  if (outcome === 'no-gray') throw new GrayNotFoundError(p.namespace);
}

export async function listGrayItems(p: NamespacePath, page: number, size: number): Promise<{ items: GrayItemView[]; total: number }> {
  const { ns, gray } = await requireGray(p);
  const records = await withValues(ns.uid, await store.listGrayItems(ns.uid, gray.id, (page - 1) * size, size));
  return { items: records.map((r) => itemView(p, r, r.text)), total: gray.item_count };
}

/** `yyyyMMddHHmmss` in UTC, for generated release names. */
const stamp = (iso: string) => iso.replace(/[-:TZ]/g, '').slice(0, 14);

type ReleaseInput = { operator: string; release_name?: string | undefined; comment?: string | undefined };

/**
 * Publishes the branch: a gray release of main's latest release with the gray items applied, which
 * matching clients are served from now on. Takes its turn with the namespace's other releases.
 */
export async function publishGray(p: NamespacePath, input: ReleaseInput): Promise<GrayReleaseView & { env: string; namespace_name: string }> {
  const published = await inTurn(
    turnKeyOf(p),
    async (): Promise<Attempt<GrayReleaseView & { env: string; namespace_name: string }>> => {
      const { ns, gray } = await requireGray(p);
      const head = headOf(ns);
      const [base, grayItems] = await Promise.all([head ? readManifest(ns.uid, head) : undefined, store.allGrayItems(ns.uid, gray.id)]);
      const pending = await writeGrayRelease(ns.uid, {
        grayId: gray.id,
        base: head && base ? { release_id: head.release_id, entries: base } : undefined,
        overrides: overridesOf(grayItems),
        name: (at) => input.release_name ?? `${p.app}.${p.cluster}.${p.namespace}.gray.${stamp(at)}`,
        operator: input.operator,
        comment: input.comment ?? '',
      });
      const outcome = await store.commitGrayRelease(
        p,
        ns.uid,
        { grayId: gray.id, previousId: gray.release?.release_id, mainSeq: ns.latest_seq },
        pending.record,
      );
      if (outcome === 'committed') {
        const { release_id, release_name, release_time, operator, comment, item_count, base_release_id } = pending.record;
        return {
          committed: {
            env: p.env,
            namespace_name: p.namespace,
            release_id,
            release_name,
            release_time,
            operator,
            comment,
            item_count,
            base_release_id: base_release_id ?? null,
          },
        };
      }
      await pending.discard();
      if (outcome === 'no-namespace') throw new ConfigNotFoundError('namespace', p.namespace);
      if (outcome === 'no-gray') throw new GrayNotFoundError(p.namespace);
      return 'lost';
    },
    { what: p.namespace },
  );
  await headChanged(p);
  return published;
}

/**
 * Makes the gray items main items (sets and deletes, each in the history) and publishes the
 * namespace's items as a main release in the same turn; the branch ends with that release's
 * commit, so its clients move to the new main release. Like any publish, the release holds every
 * working item, main changes not yet published included.
 */
export async function mergeGray(p: NamespacePath, input: ReleaseInput): Promise<ReleaseView & { env: string }> {
  let ended: { uid: string; grayId: string } | undefined;
  const released = await commit(
    p,
    {
      name: (_ns, at) => input.release_name ?? `${p.app}.${p.cluster}.${p.namespace}.merge.${stamp(at)}`,
      operator: input.operator,
      comment: input.comment ?? '',
    },
    'gray_merge',
    async (ns) => {
      const gray = ns.gray;
      if (!gray) throw new GrayNotFoundError(p.namespace);
      ended = { uid: ns.uid, grayId: gray.id };
      await applyToItems(p, ns, await store.allGrayItems(ns.uid, gray.id), input.operator);
      return (await items.allPointers(ns.uid)).map((i): ManifestEntry =>
        i.value === undefined ? [i.sk, i.version, i.hash] : [i.sk, i.version, i.hash, i.value],
      );
    },
    'merge',
  );
  if (ended) await cleanUp(ended.uid, ended.grayId);
  return { env: p.env, ...released };
}

/**
 * Sets and deletes the namespace's items as the gray items say. Only what differs is written, so a
 * merge that lost its commit to another writer and runs again writes nothing twice.
 */
async function applyToItems(p: NamespacePath, ns: NamespaceRecord, grayItems: readonly GrayItemRecord[], operator: string): Promise<void> {
  const main = new Map((await items.allPointers(ns.uid)).map((i) => [i.sk, i.hash]));
  const changed = grayItems.filter((g) => (g.deleted ? main.has(g.key) : main.get(g.key) !== g.hash));
  for (const g of await withValues(ns.uid, changed)) {
    const now = nowIso();
    if (g.deleted) {
      if ((await items.deleteItem(p, ns.uid, g.key, operator, now)) === 'no-namespace') throw new ConfigNotFoundError('namespace', p.namespace);
      continue;
    }
    const outcome = await items.setItem(p, ns.uid, g.key, g.text, operator, now);
    if (outcome.kind === 'no-namespace') throw new ConfigNotFoundError('namespace', p.namespace);
    if (outcome.kind === 'full') throw new NamespaceFullError(items.MAX_ITEMS);
  }
}
