import { GetCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { config } from '#shared/config.js';
import { ConflictError } from '#shared/errors.js';
import { batchGet, dynamo, isConditionFailed, isTransactionConditionFailed, queryAll, retryConflicts } from '#shared/dynamo.js';
import { HEARTBEAT_INDEX_PK, INSTANCE_COUNT_KEY, instanceKey, ownerKey, serviceKey } from '../keys.js';
import type { InstanceRecord } from './records.js';
import { InstanceRecordSchema } from './records.js';

/** Services and their instances, as the deploy agents register them. */
const table = () => config.tables.fleet;
type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

export type Registration = Omit<InstanceRecord, 'registered_at' | 'last_heartbeat' | 'active_op' | 'history_count' | 'version_updated_at'>;

export async function serviceExists(service: string): Promise<boolean> {
  const { Item } = await dynamo.send(new GetCommand({ TableName: table(), Key: serviceKey(service) }));
  return Item !== undefined;
}

/** The service an instance id belongs to (instance ids are unique across services). */
export async function ownerOf(instance: string): Promise<string | undefined> {
  const { Item } = await dynamo.send(new GetCommand({ TableName: table(), Key: ownerKey(instance), ConsistentRead: true }));
  return typeof Item?.service === 'string' ? Item.service : undefined;
}

const heartbeatIndex = (service: string, instance: string, at: string) => ({ gsi1pk: HEARTBEAT_INDEX_PK, gsi1sk: `${at}#${service}#${instance}` });

/** Registers (or re-registers) an instance; the first registration creates the service and counts it. */
export async function register(r: Registration, now: string): Promise<void> {
  const owner = await ownerOf(r.instance_id);
  if (owner && owner !== r.service) throw new ConflictError(`instance ${r.instance_id} is registered to service ${owner}; instance ids are unique`);
  const set: TransactItem = {
    Update: {
      TableName: table(),
      Key: instanceKey(r.service, r.instance_id),
      UpdateExpression:
        'SET service = :s, instance_id = :i, host = :h, #port = :p, metadata = :m, #version = :v, #state = :st, last_heartbeat = :now, registered_at = if_not_exists(registered_at, :now), gsi1pk = :g1, gsi1sk = :g1s',
      ExpressionAttributeNames: { '#port': 'port', '#version': 'version', '#state': 'state' },
      ExpressionAttributeValues: {
        ':s': r.service,
        ':i': r.instance_id,
        ':h': r.host,
        ':p': r.port,
        ':m': r.metadata,
        ':v': r.version,
        ':st': r.state,
        ':now': now,
        ':g1': HEARTBEAT_INDEX_PK,
        ':g1s': heartbeatIndex(r.service, r.instance_id, now).gsi1sk,
      },
    },
  };
  if (owner) {
    await dynamo.send(new UpdateCommand(set.Update as ConstructorParameters<typeof UpdateCommand>[0]));
    return;
  }
  await retryConflicts(async () => {
    try {
      await dynamo.send(
        new TransactWriteCommand({
          TransactItems: [
            { Put: { TableName: table(), Item: { ...ownerKey(r.instance_id), service: r.service }, ConditionExpression: 'attribute_not_exists(pk)' } },
            {
              Update: {
                TableName: table(),
                Key: serviceKey(r.service),
                UpdateExpression: 'SET #n = :s, registered_at = if_not_exists(registered_at, :now)',
                ExpressionAttributeNames: { '#n': 'name' },
                ExpressionAttributeValues: { ':s': r.service, ':now': now },
              },
            },
            set,
            {
              Update: {
                TableName: table(),
                Key: INSTANCE_COUNT_KEY,
                UpdateExpression: 'ADD #t :one',
                ExpressionAttributeNames: { '#t': 'total' },
                ExpressionAttributeValues: { ':one': 1 },
              },
            },
          ],
        }),
      );
    } catch (error) {
      // Registered concurrently by another call: the instance exists now, so just update it.
      if (!isTransactionConditionFailed(error, 0)) throw error;
      await register(r, now);
    }
  });
}

/** Records a heartbeat; false when the instance is not registered (the agent registers again). */
export async function heartbeat(service: string, instance: string, version: string, state: InstanceRecord['state'], now: string): Promise<boolean> {
  try {
    await dynamo.send(
      new UpdateCommand({
        TableName: table(),
        Key: instanceKey(service, instance),
        UpdateExpression: 'SET last_heartbeat = :now, #version = :v, #state = :st, gsi1sk = :g1s',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeNames: { '#version': 'version', '#state': 'state' },
        ExpressionAttributeValues: { ':now': now, ':v': version, ':st': state, ':g1s': heartbeatIndex(service, instance, now).gsi1sk },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailed(error)) return false;
    throw error;
  }
}

export async function getInstance(service: string, instance: string): Promise<InstanceRecord | undefined> {
  const { Item } = await dynamo.send(new GetCommand({ TableName: table(), Key: instanceKey(service, instance), ConsistentRead: true }));
  return Item ? InstanceRecordSchema.parse(Item) : undefined;
}

export async function getInstances(service: string, instances: readonly string[]): Promise<Map<string, InstanceRecord>> {
  const found = await batchGet(
    table(),
    instances.map((i) => instanceKey(service, i)),
    { consistent: true },
  );
  const out = new Map<string, InstanceRecord>();
  for (const item of found.values()) {
    const record = InstanceRecordSchema.parse(item);
    out.set(record.instance_id, record);
  }
  return out;
}

export async function listInstances(service: string): Promise<InstanceRecord[]> {
  return (await queryAll({ table: table(), pk: `SVC#${service}`, skPrefix: 'INST#', consistent: true })).map((i) => InstanceRecordSchema.parse(i));
}

/**
 * Takes the one-active-operation lock on each instance, 100 per transaction. When an instance is
 * busy (or gone), the locks already taken are freed and the busy ones are returned.
 */
export async function lockInstances(service: string, instances: readonly string[], op: string, force: boolean): Promise<{ instance: string; op: string }[]> {
  const taken: string[] = [];
  for (let i = 0; i < instances.length; i += 100) {
    const batch = instances.slice(i, i + 100);
    try {
      await retryConflicts(() =>
        dynamo.send(
          new TransactWriteCommand({
            TransactItems: batch.map((instance) => ({
              Update: {
                TableName: table(),
                Key: instanceKey(service, instance),
                UpdateExpression: 'SET active_op = :op',
                ConditionExpression: force ? 'attribute_exists(pk)' : 'attribute_exists(pk) AND (attribute_not_exists(active_op) OR active_op = :op)',
                ExpressionAttributeValues: { ':op': op },
              },
            })),
          }),
        ),
      );
      taken.push(...batch);
    } catch (error) {
      if (!isTransactionConditionFailed(error)) throw error;
      await Promise.all(taken.map((instance) => unlockInstance(service, instance, op)));
      const current = await getInstances(service, batch);
      return batch.flatMap((instance) => {
        const holder = current.get(instance)?.active_op;
        return holder && holder !== op ? [{ instance, op: holder }] : current.has(instance) ? [] : [{ instance, op: 'unregistered' }];
      });
    }
  }
  return [];
}

/** Releases the lock if `op` still holds it. */
export async function unlockInstance(service: string, instance: string, op: string): Promise<void> {
  try {
    await dynamo.send(
      new UpdateCommand({
        TableName: table(),
        Key: instanceKey(service, instance),
        UpdateExpression: 'REMOVE active_op',
        ConditionExpression: 'active_op = :op',
        ExpressionAttributeValues: { ':op': op },
      }),
    );
  } catch (error) {
    if (!isConditionFailed(error)) throw error;
  }
}

export async function setInstanceVersion(service: string, instance: string, version: string, now: string): Promise<void> {
  await dynamo
    .send(
      new UpdateCommand({
        TableName: table(),
        Key: instanceKey(service, instance),
        UpdateExpression: 'SET #version = :v, version_updated_at = :now',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeNames: { '#version': 'version' },
        ExpressionAttributeValues: { ':v': version, ':now': now },
      }),
    )
    .catch((error: unknown) => {
      if (!isConditionFailed(error)) throw error;
    });
}
