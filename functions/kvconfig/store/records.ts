import * as z from 'zod';

/** Items as read back from the config table (validated at the store boundary). */
export const AppRecordSchema = z.object({
  app_name: z.string(),
  description: z.string().default(''),
  create_time: z.string(),
  update_time: z.string(),
  cluster_count: z.number().int().default(0),
});
export type AppRecord = z.infer<typeof AppRecordSchema>;

export const ClusterRecordSchema = z.object({
  app_name: z.string(),
  cluster_name: z.string(),
  description: z.string().default(''),
  create_time: z.string(),
  update_time: z.string(),
  namespace_count: z.number().int().default(0),
});
export type ClusterRecord = z.infer<typeof ClusterRecordSchema>;

/**
 * The gray release a branch last published (or re-published on top of a new main release): what
 * matching clients are served. Kept on the namespace item so `configs` and `notifications` decide
 * with the one read they already make.
 */
export const GrayHeadSchema = z.object({
  release_id: z.string(),
  release_name: z.string(),
  release_time: z.string(),
  operator: z.string(),
  comment: z.string().default(''),
  item_count: z.number().int(),
  /** The main release the gray release was built on (none while main was never released). */
  base_release_id: z.string().optional(),
});
export type GrayHead = z.infer<typeof GrayHeadSchema>;

/**
 * A namespace's gray branch (at most one): its rules, a revision moved by every change of its
 * items, and its published gray release. A map on the namespace item, removed whole when the branch
 * is merged or abandoned.
 */
export const GrayStateSchema = z.object({
  /** The branch's id; its items are keyed by it, so a branch opened again starts empty. */
  id: z.string(),
  ips: z.array(z.string()).default([]),
  labels: z.array(z.string()).default([]),
  /** Moved by every set or delete of a gray item: a merge commits only over the items it read. */
  rev: z.number().int().default(0),
  /** How many gray items (overrides) the branch holds. */
  item_count: z.number().int().default(0),
  operator: z.string(),
  create_time: z.string(),
  update_time: z.string(),
  release: GrayHeadSchema.optional(),
});
export type GrayState = z.infer<typeof GrayStateSchema>;

export const NamespaceRecordSchema = z.object({
  app_name: z.string(),
  cluster_name: z.string(),
  namespace_name: z.string(),
  description: z.string().default(''),
  create_time: z.string(),
  update_time: z.string(),
  uid: z.string(),
  item_count: z.number().int().default(0),
  history_count: z.number().int().default(0),
  latest_seq: z.number().int().default(0),
  latest_release_id: z.string().optional(),
  latest_release_name: z.string().optional(),
  latest_release_time: z.string().optional(),
  latest_comment: z.string().optional(),
  latest_operator: z.string().optional(),
  latest_item_count: z.number().int().optional(),
  gray: GrayStateSchema.optional(),
});
export type NamespaceRecord = z.infer<typeof NamespaceRecordSchema>;

export const ItemRecordSchema = z.object({
  sk: z.string(),
  version: z.string(),
  /** The value itself when it is small (≤ INLINE_VALUE_BYTES); larger values are in their own item. */
  value: z.string().optional(),
  hash: z.string(),
  create_time: z.string(),
  update_time: z.string(),
  operator: z.string().optional(),
});
export type ItemRecord = z.infer<typeof ItemRecordSchema>;

export const ReleaseRecordSchema = z.object({
  seq: z.number().int(),
  release_id: z.string(),
  release_name: z.string(),
  release_time: z.string(),
  operator: z.string(),
  comment: z.string().default(''),
  item_count: z.number().int(),
  chunk_count: z.number().int(),
});
export type ReleaseRecord = z.infer<typeof ReleaseRecordSchema>;

/**
 * A manifest entry: key, value version, value hash (for change detection without the value), and
 * the value itself when it is small enough to live inline.
 */
export const ManifestEntrySchema = z.union([z.tuple([z.string(), z.string(), z.string()]), z.tuple([z.string(), z.string(), z.string(), z.string()])]);
export type ManifestEntry = z.infer<typeof ManifestEntrySchema>;

/**
 * A gray item: an override of the branch over the main release — a value (inline when small, else
 * in its immutable value item, as main items) or, with `deleted`, the key removed for gray clients.
 */
export const GrayItemRecordSchema = z.object({
  key: z.string(),
  version: z.string(),
  value: z.string().optional(),
  hash: z.string(),
  deleted: z.boolean().default(false),
  create_time: z.string(),
  update_time: z.string(),
  operator: z.string().optional(),
});
export type GrayItemRecord = z.infer<typeof GrayItemRecordSchema>;

/**
 * An override as a gray release keeps it: a manifest entry (the key set to that value version), or
 * the key alone (deleted for gray clients). Main's next release is re-based with these.
 */
export const OverrideEntrySchema = z.union([ManifestEntrySchema, z.tuple([z.string()])]);
export type OverrideEntry = z.infer<typeof OverrideEntrySchema>;

/** A gray release: found by its id (`GREL#<uid>`), for `changes` since a gray key and for re-basing. */
export const GrayReleaseRecordSchema = z.object({
  release_id: z.string(),
  release_name: z.string(),
  release_time: z.string(),
  operator: z.string(),
  comment: z.string().default(''),
  item_count: z.number().int(),
  chunk_count: z.number().int(),
  override_count: z.number().int(),
  override_chunk_count: z.number().int(),
  base_release_id: z.string().optional(),
  gray_id: z.string(),
});
export type GrayReleaseRecord = z.infer<typeof GrayReleaseRecordSchema>;

export const HistoryRecordSchema = z.object({
  action: z.string(),
  key: z.string().optional(),
  release_id: z.string().optional(),
  release_name: z.string().optional(),
  operator: z.string(),
  time: z.string(),
  /** Gray records: the branch, and its rules when they were set. */
  gray_id: z.string().optional(),
  ips: z.array(z.string()).optional(),
  labels: z.array(z.string()).optional(),
  /** A gray item set as deleted for gray clients. */
  deleted: z.boolean().optional(),
  /** The main release a gray release was built on. */
  base_release_id: z.string().optional(),
});
export type HistoryRecord = z.infer<typeof HistoryRecordSchema>;
