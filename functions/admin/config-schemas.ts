import * as z from 'zod';
import { MAX_CLUSTERS, NUMERIC_SETTING_NAMES, NUMERIC_SETTINGS } from '#functions/helm/settings.js';
import type { NumericSettingName } from '#functions/helm/settings.js';

/** Request and answer schemas of `GET`/`PUT /admin/config`. */

/** Cluster ids are DNS labels, so they fit in a namespace-like position and never contain the `:` of `clusterId:projectId`. */
export const ClusterIdSchema = z
  .string()
  .min(1, 'must not be empty')
  .max(63, 'must be at most 63 characters')
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'must be a DNS label: lowercase letters, digits and "-", starting and ending with a letter or digit')
  .refine((id) => id !== 'default', '"default" is the deployment\'s own cluster and cannot be registered');

const EksNameSchema = z.string().regex(/^[0-9A-Za-z][A-Za-z0-9_-]{0,99}$/, 'must be an EKS cluster name (letters, digits, "-", "_"; at most 100)');
const RegionSchema = z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d+$/, 'must be an AWS region such as eu-west-1');

/**
 * One registered cluster in a PUT: `{id, eksClusterName, region?}`, `{id, kubeconfig}`, or `{id}`
 * alone to keep a cluster as it is registered (GET never returns a kubeconfig to send back).
 */
export const ClusterInputSchema = z
  .strictObject(
    {
      id: ClusterIdSchema,
      eksClusterName: EksNameSchema.optional(),
      region: RegionSchema.optional(),
      kubeconfig: z.string().min(1, 'must not be empty').max(65_536, 'must be at most 64 KiB').optional(),
    },
    {
      error: (issue) =>
        issue.code === 'unrecognized_keys' ? `unknown field ${issue.keys.join(', ')}: a cluster has id, eksClusterName, region, kubeconfig` : undefined,
    },
  )
  .superRefine((cluster, ctx) => {
    if (cluster.eksClusterName !== undefined && cluster.kubeconfig !== undefined)
      ctx.addIssue({ code: 'custom', path: ['kubeconfig'], message: 'give either eksClusterName or kubeconfig, not both' });
    if (cluster.region !== undefined && cluster.eksClusterName === undefined)
      ctx.addIssue({ code: 'custom', path: ['region'], message: 'is only for an EKS cluster (with eksClusterName)' });
  });
export type ClusterInput = z.infer<typeof ClusterInputSchema>;

const numeric = (name: NumericSettingName) => {
  const { min, max } = NUMERIC_SETTINGS[name];
  return z
    .number({ error: `must be a whole number of seconds from ${min} to ${max}, or null for the default` })
    .int(`must be a whole number of seconds from ${min} to ${max}`)
    .min(min, `must be at least ${min}`)
    .max(max, `must be at most ${max}`)
    .nullable()
    .optional();
};

/** PUT /admin/config: the settings to change (others keep their value); `null` puts a number back to its default. */
export const UpdateConfigBodySchema = z
  .strictObject(
    {
      /** When given, the write happens only if the settings are still at this version (else 409). */
      version: z.number().int().min(0).optional(),
      defaultTimeoutSeconds: numeric('defaultTimeoutSeconds'),
      pollSeconds: numeric('pollSeconds'),
      imagePullGraceSeconds: numeric('imagePullGraceSeconds'),
      readyStableSeconds: numeric('readyStableSeconds'),
      /** The whole list of registered clusters (replaces the registered list). */
      clusters: z.array(ClusterInputSchema).max(MAX_CLUSTERS, `at most ${MAX_CLUSTERS} clusters`).optional(),
    },
    {
      error: (issue) =>
        issue.code === 'unrecognized_keys'
          ? `unknown field ${issue.keys.join(', ')}: the settings are ${[...NUMERIC_SETTING_NAMES, 'clusters'].join(', ')} (and version)`
          : undefined,
    },
  )
  .superRefine((body, ctx) => {
    if (Object.keys(body).filter((k) => k !== 'version').length === 0)
      ctx.addIssue({ code: 'custom', message: `give at least one setting: ${[...NUMERIC_SETTING_NAMES, 'clusters'].join(', ')}` });
    const seen = new Set<string>();
    body.clusters?.forEach((cluster, i) => {
      if (seen.has(cluster.id)) ctx.addIssue({ code: 'custom', path: ['clusters', i, 'id'], message: `cluster id "${cluster.id}" is given twice` });
      seen.add(cluster.id);
    });
  });
export type UpdateConfigBody = z.infer<typeof UpdateConfigBodySchema>;

const numericView = z.object({
  value: z.number().int(),
  default: z.number().int(),
  is_default: z.boolean(),
  min: z.number().int(),
  max: z.number().int(),
  description: z.string(),
});

/** A registered cluster as GET shows it: never its kubeconfig. */
export const ClusterViewSchema = z.discriminatedUnion('type', [
  z.object({ id: z.string(), type: z.literal('eks'), eksClusterName: z.string(), region: z.string(), updated_at: z.string() }),
  z.object({ id: z.string(), type: z.literal('kubeconfig'), server: z.string(), updated_at: z.string() }),
]);

export const ConfigViewSchema = z.object({
  /** Bumped by every write; send it back in a PUT to write only over what you read. */
  version: z.number().int(),
  updated_at: z.string().nullable(),
  updated_by: z.string().nullable(),
  settings: z.object({
    defaultTimeoutSeconds: numericView,
    pollSeconds: numericView,
    imagePullGraceSeconds: numericView,
    readyStableSeconds: numericView,
    clusters: z.object({
      value: z.array(ClusterViewSchema),
      default: z.array(ClusterViewSchema),
      is_default: z.boolean(),
      max_items: z.number().int(),
      description: z.string(),
    }),
  }),
  /** The cluster used without a clusterId (not configurable here: KUBECONFIG or the eksClusterName deploy setting). */
  default_cluster: z.object({ id: z.literal('default'), source: z.enum(['kubeconfig', 'eks', 'none']), eksClusterName: z.string().optional() }),
});
export type ConfigView = z.infer<typeof ConfigViewSchema>;
