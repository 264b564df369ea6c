import * as z from 'zod';

/** What the Helm API keeps about an app and its operations (items of the helm table, keys in ../keys.ts). */

export const APP_STATES = ['installing', 'active', 'upgrading', 'removing', 'removed', 'error'] as const;
export type AppState = (typeof APP_STATES)[number];
export const TRANSITIONING = ['yes', 'no', 'error'] as const;
export type Transitioning = (typeof TRANSITIONING)[number];

export const OPERATION_KINDS = ['install', 'upgrade', 'rollback', 'delete', 'restart', 'pause', 'resume'] as const;
export type OperationKind = (typeof OPERATION_KINDS)[number];

/** The readiness of one resource of a release, as the last check saw it. */
export const ResourceStatusSchema = z.object({
  kind: z.string(),
  name: z.string(),
  namespace: z.string(),
  ready: z.boolean(),
  message: z.string(),
});
export type ResourceStatus = z.infer<typeof ResourceStatusSchema>;

/** The chart and the values an app is installed with: the source of truth for every helm run. */
export const AppSpecSchema = z.object({
  repo: z.string(),
  chart: z.string(),
  version: z.string(),
  /** Rancher answers: `--set` pairs with dotted keys; they win over the values. */
  answers: z.record(z.string(), z.string()),
  values_yaml: z.string(),
  /** /v1 nested values. */
  values: z.record(z.string(), z.unknown()),
  /**
   * Values taken from the secrets store at each helm run, by dotted value key: the app store's
   * generated credentials. Only the secret's name is stored here; the value never is.
   */
  secret_values: z.record(z.string(), z.object({ secret: z.string(), field: z.string() })).default({}),
});
export type AppSpec = z.infer<typeof AppSpecSchema>;

export const InFlightSchema = z.object({
  id: z.string(),
  kind: z.enum(OPERATION_KINDS),
  started_at: z.string(),
  /** Hash of the request: the same request while in flight is the same operation, not a conflict. */
  fingerprint: z.string(),
});
export type InFlight = z.infer<typeof InFlightSchema>;

export const AppRecordSchema = z.object({
  cluster: z.string(),
  project: z.string(),
  namespace: z.string(),
  name: z.string(),
  api: z.enum(['v3', 'v1']),
  spec: AppSpecSchema,
  wait: z.boolean(),
  timeout: z.number().int(),
  prune: z.boolean(),
  state: z.enum(APP_STATES),
  transitioning: z.enum(TRANSITIONING),
  transitioning_message: z.string(),
  operation: InFlightSchema.nullable(),
  last_operation: z
    .object({ id: z.string(), kind: z.enum(OPERATION_KINDS), status: z.enum(['succeeded', 'failed']), ended_at: z.string(), message: z.string() })
    .nullable(),
  revision: z.number().int(),
  resources: z.array(ResourceStatusSchema),
  /** Replicas of each workload (`Kind/name`) before a pause; null when not paused. */
  paused: z.record(z.string(), z.number().int()).nullable(),
  created: z.string(),
  created_by: z.string(),
  updated: z.string(),
  install_fingerprint: z.string(),
  /** Epoch seconds after which a removed app's record expires (DynamoDB TTL). */
  expires_at: z.number().int().optional(),
});
export type AppRecord = z.infer<typeof AppRecordSchema>;

export const OperationRecordSchema = z.object({
  id: z.string(),
  kind: z.enum(OPERATION_KINDS),
  cluster: z.string(),
  namespace: z.string(),
  name: z.string(),
  started_at: z.string(),
  ended_at: z.string().nullable(),
  status: z.enum(['running', 'succeeded', 'failed']),
  who: z.string(),
  /** The spec the operation applies (for a rollback: the target revision's, once known). */
  spec: AppSpecSchema,
  /** What the operation changes, in words: `version 6.5.4 → 6.5.5`, `answer image.tag: 6.5.4 → 6.5.5`. */
  changes: z.array(z.string()),
  /** The helm revision the operation produced. */
  revision: z.number().int().nullable(),
  /** For a rollback: the revision asked for (null: the previous one). */
  target_revision: z.number().int().nullable(),
  message: z.string(),
  /** A pending-* release found at the start and recovered, in words. */
  recovered: z.string().nullable(),
});
export type OperationRecord = z.infer<typeof OperationRecordSchema>;
