import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { INDEX_ATTRIBUTES, TABLE_DEFINITIONS } from '../../functions/shared/tables.js';
import { DataStack } from '../../infra/data-stack.js';
import { logicalIdOf, resourcesOf } from './support.js';

describe('DataStack', () => {
  const stack = new DataStack(new App(), 'Data');
  const tables = resourcesOf(stack, 'AWS::DynamoDB::GlobalTable');
  const tableOf = (key: (typeof TABLE_DEFINITIONS)[number]['key']) => {
    const table = tables[logicalIdOf(stack, stack.tables[key])];
    if (!table) throw new Error(`no GlobalTable resource for ${key}`);
    return table;
  };

  it('creates one table per table definition', () => {
    Template.fromStack(stack).resourceCountIs('AWS::DynamoDB::GlobalTable', TABLE_DEFINITIONS.length);
  });

  it.each(TABLE_DEFINITIONS)('gives the $key table string pk/sk keys, its GSIs and its TTL attribute', (definition) => {
    const props = tableOf(definition.key).Properties ?? {};
    expect(props.KeySchema).toEqual([
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ]);
    expect(props.GlobalSecondaryIndexes).toEqual(
      definition.indexes.map((index) => ({
        IndexName: index,
        KeySchema: [
          { AttributeName: INDEX_ATTRIBUTES[index].pk, KeyType: 'HASH' },
          { AttributeName: INDEX_ATTRIBUTES[index].sk, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      })),
    );
    const attributes = (props.AttributeDefinitions as { AttributeName: string; AttributeType: string }[]).map((a) => `${a.AttributeName}:${a.AttributeType}`);
    expect(attributes.sort()).toEqual(
      ['pk:S', 'sk:S', ...definition.indexes.flatMap((i) => [`${INDEX_ATTRIBUTES[i].pk}:S`, `${INDEX_ATTRIBUTES[i].sk}:S`])].sort(),
    );
    expect(props.TimeToLiveSpecification).toEqual(definition.ttlAttribute ? { AttributeName: definition.ttlAttribute, Enabled: true } : undefined);
  });

  it.each(TABLE_DEFINITIONS)('bills the $key table on demand with PITR, deletion protection and the AWS-managed KMS key', (definition) => {
    const props = tableOf(definition.key).Properties ?? {};
    expect(props.BillingMode).toBe('PAY_PER_REQUEST');
    expect(props.Replicas).toEqual([
      expect.objectContaining({ DeletionProtectionEnabled: true, PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } }),
    ]);
    // KMS with no key id anywhere: the aws/dynamodb key, not a customer key.
    expect(props.SSESpecification).toEqual({ SSEEnabled: true, SSEType: 'KMS' });
    expect(JSON.stringify(props.Replicas)).not.toContain('KMSMasterKeyId');
  });

  it('retains every table when the stack or the resource goes', () => {
    for (const table of Object.values(tables)) expect([table.DeletionPolicy, table.UpdateReplacePolicy]).toEqual(['Retain', 'Retain']);
  });

  it('sets no physical table names', () => {
    for (const table of Object.values(tables)) expect(table.Properties?.TableName).toBeUndefined();
  });

  it('refuses a definition list that lacks a table the functions need', () => {
    const partial = TABLE_DEFINITIONS.filter((d) => d.key !== 'helm');
    expect(() => new DataStack(new App(), 'Partial', { definitions: partial })).toThrow(/no definition for table 'helm'/);
  });
});
