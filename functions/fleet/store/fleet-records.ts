import { GetCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { config } from '#shared/config.js';
import { dynamo, forEachQueryPage, queryOffset } from '#shared/dynamo.js';
import { newId } from '#shared/ids.js';
import { HEARTBEAT_INDEX_PK, historyPk, INSTANCE_COUNT_KEY, instanceKey, statsHourKey, versionKey } from '../keys.js';
import type { HistoryRecord, OperationKind } from './records.js';
import { HistoryRecordSchema } from './records.js';

/** Version history per instance, the version registry, and the counters behind `/v1/stats`. */
const table = () => config.tables.fleet;

/** Appends to an instance's version history and moves its history count, in one transaction. */
export async function appendHistory(service: string, instance: string, record: HistoryRecord): Promise<void> {
  await dynamo.send(
    new TransactWriteCommand({
      TransactItems: [
        { Put: { TableName: table(), Item: { pk: historyPk(instance), sk: `${record.timestamp}#${record.deploy_id}#${newId('h')}`, ...record } } },
        {
          Update: {
            TableName: table(),
            Key: instanceKey(service, instance),
            UpdateExpression: 'ADD history_count :one',
            ConditionExpression: 'attribute_exists(pk)',
            ExpressionAttributeValues: { ':one': 1 },
          },
        },
      ],
    }),
  );
}

export async function listHistory(instance: string, offset: number, limit: number): Promise<HistoryRecord[]> {
  return (await queryOffset({ table: table(), pk: historyPk(instance), offset, limit, forward: false, consistent: true })).map((i) =>
    HistoryRecordSchema.parse(i),
  );
}

/** Records where a version's package lives, so a rollback without `package_url` finds it. */
export async function recordVersion(service: string, version: string, packageUrl: string, sha256: string | null, now: string): Promise<void> {
  await dynamo.send(
    new UpdateCommand({
      TableName: table(),
      Key: versionKey(service, version),
      UpdateExpression: 'SET package_url = :u, sha256 = :h, recorded_at = :now, first_recorded_at = if_not_exists(first_recorded_at, :now)',
      ExpressionAttributeValues: { ':u': packageUrl, ':h': sha256, ':now': now },
    }),
  );
}

export async function findVersion(service: string, version: string): Promise<{ package_url: string; sha256: string | null } | undefined> {
  const { Item } = await dynamo.send(new GetCommand({ TableName: table(), Key: versionKey(service, version), ConsistentRead: true }));
  return typeof Item?.package_url === 'string' ? { package_url: Item.package_url, sha256: typeof Item.sha256 === 'string' ? Item.sha256 : null } : undefined;
}

export type StatsField = `${OperationKind}_${'total' | 'success' | 'failed' | 'cancelled'}`;

/** Adds one to a counter of the hour bucket an operation started in. */
export async function bumpStats(hour: string, field: StatsField): Promise<void> {
  await dynamo.send(
    new UpdateCommand({
      TableName: table(),
      Key: statsHourKey(hour),
      UpdateExpression: 'ADD #f :one',
      ExpressionAttributeNames: { '#f': field },
      ExpressionAttributeValues: { ':one': 1 },
    }),
  );
}

/** Sums the hourly buckets from `fromHour` to `toHour` (at most 720 small items for 30 days). */
export async function sumStats(fromHour: string, toHour: string): Promise<Record<StatsField, number>> {
  const totals: Record<string, number> = {};
  await forEachQueryPage(
    {
      TableName: table(),
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
      ExpressionAttributeValues: { ':pk': 'STATS', ':from': statsHourKey(fromHour).sk, ':to': statsHourKey(toHour).sk },
    },
    (page) => {
      for (const item of page.Items ?? [])
        for (const [key, value] of Object.entries(item)) if (typeof value === 'number') totals[key] = (totals[key] ?? 0) + value;
    },
  );
  return totals;
}

/** Registered instances (a maintained counter) and those whose last heartbeat is older than `staleBefore`. */
export async function instanceHealth(staleBefore: string): Promise<{ total: number; stale: number }> {
  const { Item } = await dynamo.send(new GetCommand({ TableName: table(), Key: INSTANCE_COUNT_KEY }));
  let stale = 0;
  await forEachQueryPage(
    {
      TableName: table(),
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :pk AND gsi1sk < :before',
      ExpressionAttributeValues: { ':pk': HEARTBEAT_INDEX_PK, ':before': staleBefore },
      Select: 'COUNT',
    },
    (page) => void (stale += page.Count ?? 0),
  );
  return { total: typeof Item?.total === 'number' ? Item.total : 0, stale };
}
