import { GetCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { config } from '#shared/config.js';
import { dynamo, isConditionFailed, isTransactionConditionFailed, queryAll, queryOffset, retryConflicts } from '#shared/dynamo.js';
import type { NamespacePath } from '../keys.js';
import { appCounterKey, appKey, clusterKey, namespaceKey } from '../keys.js';
import type { AppRecord, ClusterRecord, NamespaceRecord } from './records.js';
import { AppRecordSchema, ClusterRecordSchema, NamespaceRecordSchema } from './records.js';

/** Apps, clusters and namespaces: create/delete move the parent's child count in the same transaction. */
const table = () => config.tables.config;

export type Created = 'created' | 'exists' | 'no-parent';
export type Removed = 'removed' | 'missing' | 'has-children';

async function read(key: { pk: string; sk: string }, consistent = false): Promise<Record<string, unknown> | undefined> {
  const { Item } = await dynamo.send(new GetCommand({ TableName: table(), Key: key, ConsistentRead: consistent }));
  return Item;
}

export async function getApp(env: string, app: string): Promise<AppRecord | undefined> {
  const item = await read(appKey(env, app), true);
  return item ? AppRecordSchema.parse(item) : undefined;
}

export async function getCluster(env: string, app: string, cluster: string): Promise<ClusterRecord | undefined> {
  const item = await read(clusterKey(env, app, cluster), true);
  return item ? ClusterRecordSchema.parse(item) : undefined;
}

/** The namespace item, which is also the head the long poll and `configs` read. */
export async function getNamespace(p: NamespacePath, consistent = true): Promise<NamespaceRecord | undefined> {
  const item = await read(namespaceKey(p), consistent);
  return item ? NamespaceRecordSchema.parse(item) : undefined;
}

/** An env exists once an app was created in it: its app counter item is there. */
export async function envExists(env: string): Promise<boolean> {
  return (await read(appCounterKey(env), true)) !== undefined;
}

export async function countApps(env: string): Promise<number> {
  const item = await read(appCounterKey(env), true);
  return typeof item?.count === 'number' ? item.count : 0;
}

export async function listApps(env: string, offset: number, limit: number): Promise<AppRecord[]> {
  const items = await queryOffset({ table: table(), pk: `ENV#${env}`, skPrefix: 'APP#', offset, limit });
  return items.map((i) => AppRecordSchema.parse(i));
}

export async function listClusters(env: string, app: string, offset: number, limit: number): Promise<ClusterRecord[]> {
  const items = await queryOffset({ table: table(), pk: `APP#${env}#${app}`, skPrefix: 'CLUSTER#', offset, limit });
  return items.map((i) => ClusterRecordSchema.parse(i));
}

export async function listNamespaces(env: string, app: string, cluster: string, offset: number, limit: number): Promise<NamespaceRecord[]> {
  const items = await queryOffset({ table: table(), pk: `CLUSTER#${env}#${app}#${cluster}`, skPrefix: 'NS#', offset, limit });
  return items.map((i) => NamespaceRecordSchema.parse(i));
}

export async function allClusterNames(env: string, app: string): Promise<string[]> {
  return (await queryAll({ table: table(), pk: `APP#${env}#${app}`, skPrefix: 'CLUSTER#', consistent: true })).map((i) => String(i.cluster_name));
}

export async function allNamespaces(env: string, app: string, cluster: string): Promise<NamespaceRecord[]> {
  return (await queryAll({ table: table(), pk: `CLUSTER#${env}#${app}#${cluster}`, skPrefix: 'NS#', consistent: true })).map((i) =>
    NamespaceRecordSchema.parse(i),
  );
}

async function createChild(
  item: Record<string, unknown> & { pk: string; sk: string },
  parent: { key: { pk: string; sk: string }; counter: string; mustExist: boolean },
): Promise<Created> {
  return retryConflicts(async () => {
    try {
      await dynamo.send(
        new TransactWriteCommand({
          TransactItems: [
            { Put: { TableName: table(), Item: item, ConditionExpression: 'attribute_not_exists(pk)' } },
            {
              Update: {
                TableName: table(),
                Key: parent.key,
                UpdateExpression: 'ADD #c :one',
                ...(parent.mustExist ? { ConditionExpression: 'attribute_exists(pk)' } : {}),
                ExpressionAttributeNames: { '#c': parent.counter },
                ExpressionAttributeValues: { ':one': 1 },
              },
            },
          ],
        }),
      );
      return 'created';
    } catch (error) {
      if (isTransactionConditionFailed(error, 0)) return 'exists';
      if (isTransactionConditionFailed(error, 1)) return 'no-parent';
      throw error;
    }
  });
}

/** The condition under which an item counts as empty: no children of the kind its counter counts. */
type EmptyCondition = { expression: string; names?: Record<string, string>; values: Record<string, unknown> };

const noChildren = (counter: string): EmptyCondition => ({
  expression: 'attribute_not_exists(#n) OR #n = :zero',
  names: { '#n': counter },
  values: { ':zero': 0 },
});

/** Deletes an item and moves its parent's child count; without `force` only while `empty` holds. */
async function removeChild(
  key: { pk: string; sk: string },
  empty: EmptyCondition,
  parent: { key: { pk: string; sk: string }; counter: string },
  force: boolean,
): Promise<Removed> {
  return retryConflicts(async () => {
    try {
      await dynamo.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Delete: {
                TableName: table(),
                Key: key,
                ConditionExpression: force ? 'attribute_exists(pk)' : `attribute_exists(pk) AND (${empty.expression})`,
                ...(force ? {} : { ...(empty.names ? { ExpressionAttributeNames: empty.names } : {}), ExpressionAttributeValues: empty.values }),
              },
            },
            {
              Update: {
                TableName: table(),
                Key: parent.key,
                UpdateExpression: 'ADD #c :minus',
                ExpressionAttributeNames: { '#c': parent.counter },
                ExpressionAttributeValues: { ':minus': -1 },
              },
            },
          ],
        }),
      );
      return 'removed';
    } catch (error) {
      if (isTransactionConditionFailed(error, 0)) return (await read(key, true)) ? 'has-children' : 'missing';
      throw error;
    }
  });
}

export async function createApp(env: string, record: AppRecord): Promise<Created> {
  return createChild({ ...appKey(env, record.app_name), ...record, env }, { key: appCounterKey(env), counter: 'count', mustExist: false });
}

export async function updateApp(env: string, app: string, description: string, now: string): Promise<AppRecord | undefined> {
  try {
    const { Attributes } = await dynamo.send(
      new UpdateCommand({
        TableName: table(),
        Key: appKey(env, app),
        UpdateExpression: 'SET description = :d, update_time = :t',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':d': description, ':t': now },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return AppRecordSchema.parse(Attributes);
  } catch (error) {
    if (isConditionFailed(error)) return undefined;
    throw error;
  }
}

export async function removeApp(env: string, app: string, force: boolean): Promise<Removed> {
  return removeChild(appKey(env, app), noChildren('cluster_count'), { key: appCounterKey(env), counter: 'count' }, force);
}

export async function createCluster(env: string, record: ClusterRecord): Promise<Created> {
  return createChild(
    { ...clusterKey(env, record.app_name, record.cluster_name), ...record, env },
    { key: appKey(env, record.app_name), counter: 'cluster_count', mustExist: true },
  );
}

export async function removeCluster(env: string, app: string, cluster: string, force: boolean): Promise<Removed> {
  return removeChild(clusterKey(env, app, cluster), noChildren('namespace_count'), { key: appKey(env, app), counter: 'cluster_count' }, force);
}

export async function createNamespace(env: string, record: NamespaceRecord): Promise<Created> {
  const p = { env, app: record.app_name, cluster: record.cluster_name, namespace: record.namespace_name };
  return createChild(
    { ...namespaceKey(p), ...record, env },
    { key: clusterKey(env, record.app_name, record.cluster_name), counter: 'namespace_count', mustExist: true },
  );
}

/** Removes a namespace; without `force` only while it has no items, no releases and no gray release. */
export async function removeNamespace(p: NamespacePath, force: boolean): Promise<Removed> {
  return removeChild(
    namespaceKey(p),
    { expression: 'item_count = :zero AND latest_seq = :zero AND attribute_not_exists(gray)', values: { ':zero': 0 } },
    { key: clusterKey(p.env, p.app, p.cluster), counter: 'namespace_count' },
    force,
  );
}
