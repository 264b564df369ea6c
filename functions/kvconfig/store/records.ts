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

export const HistoryRecordSchema = z.object({
  action: z.string(),
  key: z.string().optional(),
  release_id: z.string().optional(),
  release_name: z.string().optional(),
  operator: z.string(),
  time: z.string(),
});
export type HistoryRecord = z.infer<typeof HistoryRecordSchema>;
