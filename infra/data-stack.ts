import type { StackProps } from 'aws-cdk-lib';
import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type { Construct } from 'constructs';
import type { TableDefinition } from '#shared/tables.js';
import { INDEX_ATTRIBUTES, KEY_ATTRIBUTES, TABLE_DEFINITIONS } from '#shared/tables.js';
import { constructIdOf } from './domains.js';
import type { DataTables } from './function-environment.js';

export interface DataStackProps extends StackProps {
  /** The tables to create. @default TABLE_DEFINITIONS (functions/shared/tables.ts) */
  readonly definitions?: readonly TableDefinition[];
}

/**
 * The DynamoDB tables, one per `TableDefinition`, created from the same definitions as the local
 * tables. On-demand, point-in-time recovery, deletion protection, retained when the stack goes.
 *
 * Encryption uses the AWS-managed key (aws/dynamodb): data is KMS-encrypted at rest and key use is
 * in CloudTrail, without a customer key's monthly and per-request cost or the key grants every
 * function role would then need. A customer-managed key is worth it for key-policy control,
 * cross-account access or crypto-shredding, none of which this service needs.
 */
export class DataStack extends Stack {
  readonly tables: DataTables;
  /** The stream ARN of each table that has a stream (`TableDefinition.stream`). */
  readonly streams: Readonly<Partial<Record<TableDefinition['key'], string>>>;

  constructor(scope: Construct, id: string, props: DataStackProps = {}) {
    super(scope, id, props);
    const definitions = props.definitions ?? TABLE_DEFINITIONS;
    const tables = new Map<TableDefinition['key'], dynamodb.TableV2>();
    for (const definition of definitions) {
      if (tables.has(definition.key)) throw new Error(`table '${definition.key}' is defined twice; each TableDefinition key must be unique`);
      tables.set(definition.key, this.table(definition));
    }
    this.streams = Object.fromEntries(definitions.filter((d) => d.stream).map((d) => [d.key, required(tables, d.key).tableStreamArn ?? '']));
    this.tables = {
      platform: required(tables, 'platform'),
      config: required(tables, 'config'),
      fleet: required(tables, 'fleet'),
      helm: required(tables, 'helm'),
    };
  }

  private table(definition: TableDefinition): dynamodb.TableV2 {
    const string = dynamodb.AttributeType.STRING;
    return new dynamodb.TableV2(this, `${constructIdOf(definition.key)}Table`, {
      partitionKey: { name: KEY_ATTRIBUTES.pk, type: string },
      sortKey: { name: KEY_ATTRIBUTES.sk, type: string },
      globalSecondaryIndexes: definition.indexes.map((index) => ({
        indexName: index,
        partitionKey: { name: INDEX_ATTRIBUTES[index].pk, type: string },
        sortKey: { name: INDEX_ATTRIBUTES[index].sk, type: string },
      })),
      timeToLiveAttribute: definition.ttlAttribute,
      ...(definition.stream ? { dynamoStream: dynamodb.StreamViewType[definition.stream] } : {}),
      billing: dynamodb.Billing.onDemand(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      encryption: dynamodb.TableEncryptionV2.awsManagedKey(),
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }
}

function required(tables: ReadonlyMap<TableDefinition['key'], dynamodb.TableV2>, key: TableDefinition['key']): dynamodb.TableV2 {
  const table = tables.get(key);
  if (!table) throw new Error(`no definition for table '${key}' (defined: ${[...tables.keys()].join(', ') || 'none'}); the functions need all four`);
  return table;
}
