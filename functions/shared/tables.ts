/**
 * Table definitions shared by the CDK data stack (`infra/data-stack.ts`) and the local cloud
 * (`local/dynamodb.ts`), so the tables created locally are the tables deployed.
 *
 * Every table uses the same generic key shape: `pk`/`sk` strings, and up to two global secondary
 * indexes `gsi1` (`gsi1pk`/`gsi1sk`) and `gsi2` (`gsi2pk`/`gsi2sk`). What the keys hold is documented
 * beside each domain's store module.
 */
export type TableDefinition = Readonly<{
  /** Construct id in CDK and the key of `config.tables`. */
  key: 'platform' | 'config' | 'fleet' | 'helm';
  /** The environment variable that carries the physical name into the functions. */
  envVar: 'PLATFORM_TABLE' | 'CONFIG_TABLE' | 'FLEET_TABLE' | 'HELM_TABLE';
  indexes: readonly ('gsi1' | 'gsi2')[];
  /** Attribute holding an epoch-seconds expiry, when the table has expiring items. */
  ttlAttribute?: string;
  /**
   * The table's DynamoDB stream, when something reacts to its changes: `NEW_AND_OLD_IMAGES` for the
   * config table, whose namespace items' changes the push fan-out reads (functions/kvconfig/push-fanout.ts).
   */
  stream?: 'NEW_AND_OLD_IMAGES';
  /** What the table holds, for people reading the console. */
  description: string;
}>;

export const TABLE_DEFINITIONS: readonly TableDefinition[] = [
  { key: 'platform', envVar: 'PLATFORM_TABLE', indexes: ['gsi1'], ttlAttribute: 'expires_at', description: 'users, tokens and platform settings' },
  {
    key: 'config',
    envVar: 'CONFIG_TABLE',
    indexes: ['gsi1'],
    ttlAttribute: 'expires_at',
    stream: 'NEW_AND_OLD_IMAGES',
    description: 'configuration center: apps, clusters, namespaces, items, releases, push connections',
  },
  {
    key: 'fleet',
    envVar: 'FLEET_TABLE',
    indexes: ['gsi1', 'gsi2'],
    ttlAttribute: 'expires_at',
    description: 'release system: services, instances, deployments, rollbacks, agent commands',
  },
  {
    key: 'helm',
    envVar: 'HELM_TABLE',
    indexes: ['gsi1', 'gsi2'],
    ttlAttribute: 'expires_at',
    description: 'Helm apps, repositories, clusters, app-store installs, secrets',
  },
];

export const KEY_ATTRIBUTES = { pk: 'pk', sk: 'sk' } as const;
export const INDEX_ATTRIBUTES = {
  gsi1: { pk: 'gsi1pk', sk: 'gsi1sk' },
  gsi2: { pk: 'gsi2pk', sk: 'gsi2sk' },
} as const;
