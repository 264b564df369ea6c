import * as z from 'zod';
import { parseQuantity } from '#shared/quantity.js';
import { multiLine, singleLine } from '#shared/validation.js';

/**
 * The app store catalog's entry (docs/app-store.md, "Catalog"): one app in one version, with
 * the chart that installs it and what the store needs to know around it. Used for the seed files,
 * the admin routes' bodies and every item read back from DynamoDB.
 */

/** App names: what `AppInstall`'s `app_name` names; lowercase letters, digits and "-" (a DNS label). */
export const AppNameSchema = singleLine(z.string().min(1, 'must not be empty').max(63, 'must be at most 63 characters')).regex(
  /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/,
  'must be lowercase letters, digits and "-", starting and ending with a letter or digit',
);

/** App versions: what `AppInstall`'s `app_version` names (`6.5.4`, `1.0.0-beta.1`). */
export const AppVersionSchema = singleLine(z.string().min(1, 'must not be empty').max(64, 'must be at most 64 characters')).regex(
  /^[A-Za-z0-9][A-Za-z0-9._+-]*$/,
  'must be letters, digits, ".", "_", "+" and "-", starting with a letter or digit',
);

const TextSchema = (max: number) => multiLine(z.string().min(1, 'must not be empty').max(max, `must be at most ${max} characters`));
const LocalizedSchema = (max: number) => z.strictObject({ 'zh-CN': TextSchema(max), 'en-US': TextSchema(max) });

/** A Kubernetes quantity (`100m`, `256Mi`, `1Gi`, `0`), at least zero. */
const QuantitySchema = singleLine(z.string().min(1).max(32)).refine((v) => parseQuantity(v) >= 0, 'must be a Kubernetes quantity such as 100m, 256Mi or 1Gi');

/** A chart value key in Helm's dotted form (`adminPassword`, `auth.password`). */
const ValueKeySchema = singleLine(z.string().min(1).max(200)).regex(
  /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/,
  'must be a dotted chart value key such as auth.password',
);

export const CatalogEntrySchema = z.strictObject({
  app_name: AppNameSchema,
  version: AppVersionSchema,
  official: z.boolean(),
  trade_mark: TextSchema(200),
  image_url: singleLine(z.string().max(2048)).regex(/^(https?:\/\/|\/)\S*$/, 'must be an http(s) URL or an absolute path'),
  title: LocalizedSchema(200),
  description: LocalizedSchema(2000),
  chart: z.strictObject({
    repo: singleLine(z.string().min(1).max(63)),
    chart: singleLine(z.string().min(1).max(100)).regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'must be a chart name'),
    version: AppVersionSchema,
  }),
  /** Default chart values; string values may hold `{release}`, replaced by the release name at install. */
  values: z.record(z.string(), z.unknown()),
  /** The Service that serves the app (`{release}` is the release name). */
  service: singleLine(z.string().min(1).max(253)),
  port: z.number().int().min(1).max(65535),
  admin_path: singleLine(z.string().min(1).max(500)).regex(/^\//, 'must start with "/"'),
  /** Stated requirements: the floor of the capacity check (the rendered chart's requests may say more). */
  resources: z.strictObject({ cpu: QuantitySchema, memory: QuantitySchema, storage: QuantitySchema }),
  credentials: z.strictObject({
    user_name: singleLine(z.string().min(1).max(64)),
    /** Chart value that receives the user name, when the chart takes one. */
    user_value: ValueKeySchema.optional(),
    /** Chart value that receives the generated password. */
    password_value: ValueKeySchema,
  }),
  running: z.strictObject({ description: TextSchema(500) }),
});
export type CatalogEntry = z.infer<typeof CatalogEntrySchema>;

/** A seed file: the versions of one app. */
export const SeedFileSchema = z.array(CatalogEntrySchema).min(1);

/** What the store keeps beside the entry. */
export const CatalogRecordSchema = CatalogEntrySchema.extend({
  /** `seed` when written by seeding, `admin` once an admin saved it (seeding never overwrites either). */
  source: z.enum(['seed', 'admin']),
  updated_at: z.string(),
});
export type CatalogRecord = z.infer<typeof CatalogRecordSchema>;

export const CatalogListQuerySchema = z.strictObject({ app_name: AppNameSchema.optional() });
export const CatalogListSchema = z.array(CatalogRecordSchema);
export const CatalogDeleteBodySchema = z.strictObject({ app_name: AppNameSchema, app_version: AppVersionSchema });
