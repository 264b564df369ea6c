import { config } from '#shared/config.js';
import { queryOffset } from '#shared/dynamo.js';
import { nowIso } from '#shared/ids.js';
import { ConfigNotFoundError, NamespaceFullError } from './errors.js';
import { requireNamespace } from './hierarchy-service.js';
import type { NamespacePath } from './keys.js';
import { historyPk } from './keys.js';
import * as items from './store/items.js';
import { HistoryRecordSchema } from './store/records.js';

/** Items of a namespace (the unpublished working set) and the namespace's audit history. */

export type ItemView = { key: string; value: string; namespace_name: string; create_time: string; update_time: string };

export async function setItem(p: NamespacePath, key: string, value: string, operator: string): Promise<ItemView> {
  const ns = await requireNamespace(p);
  const outcome = await items.setItem(p, ns.uid, key, value, operator, nowIso());
  if (outcome.kind === 'no-namespace') throw new ConfigNotFoundError('namespace', p.namespace);
  if (outcome.kind === 'full') throw new NamespaceFullError(items.MAX_ITEMS);
  const { item } = outcome;
  return { key, value, namespace_name: p.namespace, create_time: item.create_time, update_time: item.update_time };
}

export async function getItem(p: NamespacePath, key: string): Promise<ItemView> {
  const ns = await requireNamespace(p);
  const item = await items.getItem(ns.uid, key);
  if (!item) throw new ConfigNotFoundError('item', key);
  return { key, value: item.value, namespace_name: p.namespace, create_time: item.create_time, update_time: item.update_time };
}

export async function deleteItem(p: NamespacePath, key: string, operator: string): Promise<void> {
  const ns = await requireNamespace(p);
  const outcome = await items.deleteItem(p, ns.uid, key, operator, nowIso());
  if (outcome === 'missing') throw new ConfigNotFoundError('item', key);
  if (outcome === 'no-namespace') throw new ConfigNotFoundError('namespace', p.namespace);
}

/**
 * A page of items in key order. Without `search` the total is the namespace's maintained count and
 * only the page is read; with it, the namespace's small item pointers are filtered by a
 * case-insensitive substring of the key, and only the page's values are read.
 */
export async function listItems(
  p: NamespacePath,
  page: number,
  size: number,
  search: string,
): Promise<{ items: { key: string; value: string; created_at: string; updated_at: string }[]; total: number }> {
  const ns = await requireNamespace(p);
  const offset = (page - 1) * size;
  let total = ns.item_count;
  let pageItems: items.ItemWithValue[];
  if (search) {
    const needle = search.toLowerCase();
    const matching = (await items.allPointers(ns.uid)).filter((i) => i.sk.toLowerCase().includes(needle));
    total = matching.length;
    pageItems = await items.withValues(ns.uid, matching.slice(offset, offset + size));
  } else {
    pageItems = await items.listItems(ns.uid, offset, size);
  }
  return { items: pageItems.map((i) => ({ key: i.key, value: i.value, created_at: i.create_time, updated_at: i.update_time })), total };
}

/** The namespace's audit trail, newest first: item sets and deletes, publishes and rollbacks. */
export async function listHistory(p: NamespacePath, page: number, size: number) {
  const ns = await requireNamespace(p);
  const records = await queryOffset({ table: config.tables.config, pk: historyPk(ns.uid), offset: (page - 1) * size, limit: size, forward: false });
  return { history: records.map((r) => HistoryRecordSchema.parse(r)), total: ns.history_count };
}
