import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { config } from '#shared/config.js';
import { dynamo, isConditionFailed } from '#shared/dynamo.js';

/**
 * The Helm API's settings, one item in the platform table:
 *
 *   settings   pk = SETTINGS   sk = HELM   → overrides, clusters, version, updated_at, updated_by
 *
 * `overrides` holds only the numeric settings someone set (the rest are at their defaults, which
 * live in code, so a changed default reaches every deployment that never set the value). `clusters`
 * holds the registered clusters without their kubeconfigs (those are secrets; the item names the
 * secret). Every write is conditioned on `version`, so two concurrent writers cannot both win.
 */
export const SETTINGS_KEY = { pk: 'SETTINGS', sk: 'HELM' } as const;

/** A cluster registered by its EKS name (endpoint and CA from DescribeCluster, IAM token). */
export const StoredEksClusterSchema = z.object({
  type: z.literal('eks'),
  id: z.string(),
  eksClusterName: z.string(),
  region: z.string().optional(),
  updated_at: z.string(),
});
/** A cluster registered with a kubeconfig, kept whole in the secrets store under `secret`. */
export const StoredKubeconfigClusterSchema = z.object({
  type: z.literal('kubeconfig'),
  id: z.string(),
  /** The API server URL of its current context: shown by GET, not secret. */
  server: z.string(),
  /** Name of the secret holding the kubeconfig text (a new name per upload, so readers never see a half-replaced one). */
  secret: z.string(),
  updated_at: z.string(),
});
export const StoredClusterSchema = z.discriminatedUnion('type', [StoredEksClusterSchema, StoredKubeconfigClusterSchema]);
export type StoredCluster = z.infer<typeof StoredClusterSchema>;

export const SettingsItemSchema = z.object({
  overrides: z.record(z.string(), z.number()).default({}),
  clusters: z.array(StoredClusterSchema).default([]),
  version: z.number().int(),
  updated_at: z.string(),
  updated_by: z.string(),
});
export type SettingsItem = z.infer<typeof SettingsItemSchema>;

/** The item as stored (strongly consistent), or undefined when nobody has written settings yet. */
export async function readSettingsItem(): Promise<SettingsItem | undefined> {
  const { Item } = await dynamo.send(new GetCommand({ TableName: config.tables.platform, Key: SETTINGS_KEY, ConsistentRead: true }));
  return Item ? SettingsItemSchema.parse(Item) : undefined;
}

/**
 * Writes `next` if the stored version is still `expectedVersion` (0: no item yet); `changed` when
 * another writer got there first.
 */
export async function writeSettingsItem(next: SettingsItem, expectedVersion: number): Promise<'ok' | 'changed'> {
  try {
    await dynamo.send(
      new PutCommand({
        TableName: config.tables.platform,
        Item: { ...SETTINGS_KEY, ...next },
        ...(expectedVersion === 0
          ? { ConditionExpression: 'attribute_not_exists(pk)' }
          : { ConditionExpression: '#v = :v', ExpressionAttributeNames: { '#v': 'version' }, ExpressionAttributeValues: { ':v': expectedVersion } }),
      }),
    );
    return 'ok';
  } catch (error) {
    if (isConditionFailed(error)) return 'changed';
    throw error;
  }
}
