import { isIP } from 'node:net';
import * as z from 'zod';
import { boolParam, intParam, multiLine, NameSchema, pathValueProblem, singleLine } from '#shared/validation.js';
import type { NamespacePath } from './keys.js';
import { HistoryRecordSchema } from './store/records.js';

/**
 * Request schemas shared by the configuration-center handlers. Path parameter names are the same at
 * every level (API Gateway requires one name per position), and `env` is lower-cased.
 */
const Env = NameSchema.transform((v) => v.toLowerCase());

export const EnvPathSchema = z.object({ env: Env });
export const AppPathSchema = EnvPathSchema.extend({ app_name: NameSchema });
export const ClusterPathSchema = AppPathSchema.extend({ cluster_name: NameSchema });
export const NamespacePathSchema = ClusterPathSchema.extend({ namespace_name: NameSchema });

/**
 * Item keys: 1–256 characters, no control characters, and no `.` or `..` between slashes — a key is
 * also a path value (`…/items/{key}`), where those are refused as traversal attempts.
 */
export const ItemKeySchema = z
  .string()
  .min(1, 'must not be empty')
  .max(256, 'must be at most 256 characters')
  .regex(/^[^\p{Cc}]+$/u, 'must not contain control characters')
  .refine((v) => pathValueProblem(v) === undefined, 'must not have "." or ".." between slashes');
export const ItemPathSchema = NamespacePathSchema.extend({ key: ItemKeySchema });
export const ReleasePathSchema = NamespacePathSchema.extend({ release_id: z.string().max(64, 'must be at most 64 characters') });

export const toNamespace = (p: z.infer<typeof NamespacePathSchema>): NamespacePath => ({
  env: p.env,
  app: p.app_name,
  cluster: p.cluster_name,
  namespace: p.namespace_name,
});

/** Item values: up to 64 KiB of UTF-8; a value may be a whole file, so tabs and line breaks are kept, other control characters refused. */
export const ItemValueSchema = multiLine(z.string()).refine((v) => Buffer.byteLength(v, 'utf8') <= 64 * 1024, 'must be at most 64 KiB (UTF-8)');

/** Page/size query with the route's default and maximum size. */
export function pageQuery(defaultSize: number, maxSize: number) {
  return z.object({
    page: intParam('page', { min: 1, max: 1_000_000, default: 1 }),
    size: intParam('size', { min: 1, max: maxSize, default: defaultSize }),
  });
}

export const ForceQuerySchema = z.object({ force: boolParam(false) });

/** Descriptions and release comments: free text, line breaks and tabs allowed. */
export const DescriptionSchema = multiLine(z.string().max(1024, 'must be at most 1024 characters'));

/** Accepts the document's snake_case field and its camelCase twin (`app_name` / `appName`). */
export function eitherCase<S extends z.ZodType>(snake: string, camel: string, schema: S) {
  return z.preprocess((body) => {
    if (body && typeof body === 'object' && !Array.isArray(body) && !(snake in body) && camel in body) {
      const { [camel]: value, ...rest } = body as Record<string, unknown>;
      return { ...rest, [snake]: value };
    }
    return body;
  }, schema);
}

/**
 * Gray rules and the clients they match. An IP is an IPv4 or IPv6 address (no ranges); a label is a
 * name (letters, digits, `_`, `-`, `.`). A client sends `label` as one or more labels, comma-separated.
 */
export const IpSchema = z
  .string()
  .max(64, 'must be at most 64 characters')
  .refine((v) => isIP(v) !== 0, 'must be an IPv4 or IPv6 address');
export const LabelSchema = NameSchema;
export const ClientLabelsSchema = singleLine(z.string().max(256, 'must be at most 256 characters'));
export const MAX_GRAY_RULES = 100;
/**
 * The rules live on the namespace item, which every `configs` and `notifications` request reads:
 * 2 KiB of them in all keep that item under the 4 KB one read unit covers.
 */
export const MAX_GRAY_RULES_BYTES = 2048;
export const GrayRulesBodySchema = z
  .object({
    ips: z.array(IpSchema).max(MAX_GRAY_RULES, `must hold at most ${MAX_GRAY_RULES} addresses`).default([]),
    labels: z.array(LabelSchema).max(MAX_GRAY_RULES, `must hold at most ${MAX_GRAY_RULES} labels`).default([]),
  })
  .refine((r) => [...r.ips, ...r.labels].reduce((sum, v) => sum + Buffer.byteLength(v, 'utf8') + 3, 0) <= MAX_GRAY_RULES_BYTES, {
    message: `ips and labels must take at most ${MAX_GRAY_RULES_BYTES} bytes in all (3 per entry plus its text)`,
    path: ['labels'],
  });
/** What `configs` and `notifications` take to pick a client's release (the reserved `ip` and `label`). */
export const GrayClientQuery = { ip: IpSchema.optional(), label: ClientLabelsSchema.optional() };

/** Operator names in release bodies: who published, for audit and display. */
export const OperatorSchema = singleLine(z.string().min(1, 'must not be empty').max(64, 'must be at most 64 characters'));

/** What a publish (main or gray) or a merge takes: who releases, and optionally its name and comment. */
export const ReleaseBodySchema = z.object({
  operator: OperatorSchema,
  release_name: singleLine(z.string().min(1).max(128, 'must be at most 128 characters')).optional(),
  comment: DescriptionSchema.optional(),
});

/*
 * Response schemas: what each handler's `data` holds, for the OpenAPI document (`response:` in the
 * handler files) and, through it, the end-to-end tests that check every answer.
 */
const Timestamps = { create_time: z.string(), update_time: z.string() };
const Page = { total: z.number().int(), page: z.number().int(), size: z.number().int() };
const Keys = z.array(z.string());

export const AppSchema = z.object({ app_name: z.string(), description: z.string(), ...Timestamps });
export const ClusterSchema = z.object({ app_name: z.string(), cluster_name: z.string(), description: z.string(), ...Timestamps });
export const NamespaceSchema = z.object({ namespace_name: z.string(), description: z.string(), app_name: z.string(), cluster_name: z.string(), ...Timestamps });
export const ItemSchema = z.object({ key: z.string(), value: z.string(), namespace_name: z.string(), ...Timestamps });
export const ReleaseSchema = z.object({
  app_name: z.string(),
  cluster_name: z.string(),
  namespace_name: z.string(),
  release_id: z.string(),
  release_name: z.string(),
  release_time: z.string(),
  operator: z.string(),
  comment: z.string(),
});

export const EnvAppSchema = z.object({ env: z.string(), app: AppSchema });
export const AppListSchema = z.object({ env: z.string(), apps: z.array(AppSchema), ...Page });
export const EnvClusterSchema = z.object({ env: z.string(), cluster: ClusterSchema });
export const ClusterListSchema = z.object({ env: z.string(), clusters: z.array(ClusterSchema), ...Page });
export const NamespaceListSchema = z.object({ namespaces: z.array(NamespaceSchema), ...Page });
export const ItemListSchema = z.object({
  items: z.array(z.object({ key: z.string(), value: z.string(), created_at: z.string(), updated_at: z.string() })),
  ...Page,
});
export const HistoryListSchema = z.object({
  env: z.string(),
  namespace_name: z.string(),
  /** The audit records as stored: the answer is the records themselves. */
  history: z.array(HistoryRecordSchema),
  ...Page,
});
export const ReleaseListSchema = z.object({ env: z.string(), releases: z.array(ReleaseSchema), ...Page });
/** What a publish answers: the new release without operator and comment (kvconfig.md). */
export const PublishedSchema = ReleaseSchema.omit({ operator: true, comment: true }).extend({ env: z.string() });

/** What a publish answers (the publish route and a gray merge): the new release without its operator and comment. */
export function publishedView(r: z.infer<typeof PublishedSchema>): z.infer<typeof PublishedSchema> {
  const { env, app_name, cluster_name, namespace_name, release_name, release_id, release_time } = r;
  return { env, app_name, cluster_name, namespace_name, release_name, release_id, release_time };
}
export const EnvReleaseSchema = ReleaseSchema.extend({ env: z.string() });
export const LatestReleaseSchema = EnvReleaseSchema.extend({
  items: z.array(z.object({ key: z.string(), value: z.string() })),
  changed: z.object({ added: Keys, updated: Keys, deleted: Keys }),
});
export const ConfigsPageSchema = z.object({
  env: z.string(),
  appId: z.string(),
  clusterName: z.string(),
  namespaceName: z.string(),
  releaseKey: z.string(),
  comment: z.string(),
  total: z.number().int(),
  page: z.number().int(),
  size: z.number().int(),
  items: z.record(z.string(), z.string()),
  /** Null unless the request named a `releaseKey` of this namespace. */
  changes: z.object({ updates: Keys, adds: Keys, deletes: Keys }).nullable(),
});
export const ReleaseKeySchema = z.object({ releaseKey: z.string() });
export const ETAG_HEADER = { ETag: 'Strong validator of this answer: send it back as If-None-Match' } as const;
export const DeletedAppSchema = z.object({ env: z.string(), app_name: z.string() });
export const DeletedClusterSchema = z.object({ env: z.string(), app_name: z.string(), cluster_name: z.string() });
export const CreatedNamespaceSchema = z.object({ namespace: NamespaceSchema });
export const EnvNamespaceSchema = NamespaceSchema.extend({ env: z.string() });
export const DeletedNamespaceSchema = z.object({ namespace: z.object({ namespace_name: z.string(), app_name: z.string(), cluster_name: z.string() }) });
export const SetItemSchema = z.object({ item: ItemSchema });
export const DeletedItemSchema = z.object({ key: z.string(), namespace_name: z.string() });
const GrayReleaseFields = {
  release_id: z.string(),
  release_name: z.string(),
  release_time: z.string(),
  operator: z.string(),
  comment: z.string(),
  /** Items of the gray release: main's release with the gray items applied. */
  item_count: z.number().int(),
  /** The main release it was built on; null when main was never released. */
  base_release_id: z.string().nullable(),
};
export const GraySchema = z.object({
  env: z.string(),
  app_name: z.string(),
  cluster_name: z.string(),
  namespace_name: z.string(),
  gray_id: z.string(),
  rules: z.object({ ips: Keys, labels: Keys }),
  /** Gray items (overrides) of the branch. */
  item_count: z.number().int(),
  operator: z.string(),
  ...Timestamps,
  /** The published gray release; null until the first gray publish. */
  release: z.object(GrayReleaseFields).nullable(),
});
export const GrayItemSchema = z.object({ key: z.string(), value: z.string(), deleted: z.boolean(), namespace_name: z.string(), ...Timestamps });
export const SetGrayItemSchema = z.object({ item: GrayItemSchema });
export const GrayItemListSchema = z.object({
  items: z.array(z.object({ key: z.string(), value: z.string(), deleted: z.boolean(), created_at: z.string(), updated_at: z.string() })),
  ...Page,
});
export const GrayPublishedSchema = z.object({ env: z.string(), namespace_name: z.string(), ...GrayReleaseFields });
export const AbandonedGraySchema = z.object({
  namespace_name: z.string(),
  gray_id: z.string(),
  /** The main release the gray clients are served from now on; null when main was never released. */
  releaseKey: z.string().nullable(),
});
