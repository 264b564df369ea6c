import { DeleteCommand, GetCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { config } from '#shared/config.js';
import { dynamo, isConditionFailed, isTransactionConditionFailed, queryAll } from '#shared/dynamo.js';
import { appIndexKeys, appKey, claimKey, operationIdKey, operationKey, operationsPk } from '../keys.js';
import type { AppRecord, InFlight, OperationRecord } from './records.js';
import { AppRecordSchema, OperationRecordSchema } from './records.js';

/**
 * Apps and their operations. The app item is the lock: an operation begins only with a condition
 * that no other is in flight, and ends only with a condition that it is still the app's operation,
 * so two writers can never both start one and a late task never overwrites a newer result.
 */
const table = () => config.tables.helm;

export type AppRef = Readonly<{ cluster: string; namespace: string; name: string }>;

/** Thrown when a write's condition found another operation in flight (or the app gone). */
export class AppBusyError extends Error {
  override name = 'AppBusy';
}

function appItem(app: AppRecord): Record<string, unknown> {
  return { ...appKey(app.cluster, app.namespace, app.name), ...appIndexKeys(app.cluster, app.project, app.namespace, app.name), ...app };
}

/** The operation record, and its pointer by id (an execution's end names only the operation). */
function operationPuts(op: OperationRecord) {
  return [
    { Put: { TableName: table(), Item: { ...operationKey(op.cluster, op.namespace, op.name, op.started_at, op.id), ...op } } },
    {
      Put: {
        TableName: table(),
        Item: { ...operationIdKey(op.id), cluster: op.cluster, namespace: op.namespace, name: op.name, started_at: op.started_at },
      },
    },
  ];
}

/** Where an operation's record is, from its id alone. */
export async function findOperation(id: string): Promise<(AppRef & { started_at: string }) | undefined> {
  const { Item } = await dynamo.send(new GetCommand({ TableName: table(), Key: operationIdKey(id), ConsistentRead: true }));
  if (!Item) return undefined;
  return { cluster: String(Item.cluster), namespace: String(Item.namespace), name: String(Item.name), started_at: String(Item.started_at) };
}

export async function getApp(ref: AppRef): Promise<AppRecord | undefined> {
  const { Item } = await dynamo.send(new GetCommand({ TableName: table(), Key: appKey(ref.cluster, ref.namespace, ref.name), ConsistentRead: true }));
  return Item ? AppRecordSchema.parse(Item) : undefined;
}

/** The namespace an app name of a project lives in (names are unique in a project). */
export async function namespaceOfProjectApp(cluster: string, project: string, name: string): Promise<string | undefined> {
  const { Item } = await dynamo.send(new GetCommand({ TableName: table(), Key: claimKey(cluster, project, name), ConsistentRead: true }));
  return typeof Item?.namespace === 'string' ? Item.namespace : undefined;
}

/**
 * Creates an app with its first operation in flight: claims the name in the project and the release
 * in the namespace (a removed app's record may be replaced). Throws AppBusyError when either is taken.
 */
export async function createApp(app: AppRecord, op: OperationRecord): Promise<void> {
  try {
    await dynamo.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: table(),
              Item: { ...claimKey(app.cluster, app.project, app.name), namespace: app.namespace },
              ConditionExpression: 'attribute_not_exists(pk) OR #ns = :ns',
              ExpressionAttributeNames: { '#ns': 'namespace' },
              ExpressionAttributeValues: { ':ns': app.namespace },
            },
          },
          {
            Put: {
              TableName: table(),
              Item: appItem(app),
              ConditionExpression: 'attribute_not_exists(pk) OR #state = :removed',
              ExpressionAttributeNames: { '#state': 'state' },
              ExpressionAttributeValues: { ':removed': 'removed' },
            },
          },
          ...operationPuts(op),
        ],
      }),
    );
  } catch (error) {
    if (isTransactionConditionFailed(error)) throw new AppBusyError('the app name is taken', { cause: error });
    throw error;
  }
}

/**
 * Begins an operation on an existing app: sets the lock and the transitional state, and records the
 * operation. Throws AppBusyError when another operation is in flight or the app was removed.
 */
export async function beginOperation(
  ref: AppRef,
  inFlight: InFlight,
  fields: Partial<Pick<AppRecord, 'state' | 'transitioning' | 'transitioning_message' | 'spec' | 'wait' | 'timeout' | 'updated'>>,
  op: OperationRecord,
): Promise<void> {
  const sets = Object.entries({ ...fields, operation: inFlight });
  try {
    await dynamo.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Update: {
              TableName: table(),
              Key: appKey(ref.cluster, ref.namespace, ref.name),
              UpdateExpression: `SET ${sets.map((_, i) => `#f${i} = :v${i}`).join(', ')}`,
              ConditionExpression: 'attribute_exists(pk) AND #op = :null AND #state <> :removed',
              ExpressionAttributeNames: { '#op': 'operation', '#state': 'state', ...Object.fromEntries(sets.map(([k], i) => [`#f${i}`, k])) },
              ExpressionAttributeValues: { ':null': null, ':removed': 'removed', ...Object.fromEntries(sets.map(([, v], i) => [`:v${i}`, v])) },
            },
          },
          ...operationPuts(op),
        ],
      }),
    );
  } catch (error) {
    if (isTransactionConditionFailed(error)) throw new AppBusyError('another operation is in flight', { cause: error });
    throw error;
  }
}

/**
 * Writes fields of the app while `opId` is still its operation (progress of a readiness check, or
 * the end when `end` is set, which also frees the lock). Returns false when the operation is no
 * longer the app's (a late or repeated task), and changes nothing then.
 */
export async function updateDuringOperation(ref: AppRef, opId: string, fields: Partial<AppRecord>, end = false): Promise<boolean> {
  const entries = Object.entries(end ? { ...fields, operation: null } : fields);
  try {
    await dynamo.send(
      new UpdateCommand({
        TableName: table(),
        Key: appKey(ref.cluster, ref.namespace, ref.name),
        UpdateExpression: `SET ${entries.map((_, i) => `#f${i} = :v${i}`).join(', ')}`,
        ConditionExpression: '#op.#id = :op',
        ExpressionAttributeNames: { '#op': 'operation', '#id': 'id', ...Object.fromEntries(entries.map(([k], i) => [`#f${i}`, k])) },
        ExpressionAttributeValues: { ':op': opId, ...Object.fromEntries(entries.map(([, v], i) => [`:v${i}`, v])) },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailed(error)) return false;
    throw error;
  }
}

/** Writes fields of an operation record. */
export async function updateOperationRecord(ref: AppRef, startedAt: string, id: string, fields: Partial<OperationRecord>): Promise<void> {
  const entries = Object.entries(fields);
  await dynamo.send(
    new UpdateCommand({
      TableName: table(),
      Key: operationKey(ref.cluster, ref.namespace, ref.name, startedAt, id),
      UpdateExpression: `SET ${entries.map((_, i) => `#f${i} = :v${i}`).join(', ')}`,
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeNames: Object.fromEntries(entries.map(([k], i) => [`#f${i}`, k])),
      ExpressionAttributeValues: Object.fromEntries(entries.map(([, v], i) => [`:v${i}`, v])),
    }),
  );
}

/** Frees the app's name in its project (after removal), unless another namespace has taken it since. */
export async function releaseName(app: Pick<AppRecord, 'cluster' | 'project' | 'name' | 'namespace'>): Promise<void> {
  try {
    await dynamo.send(
      new DeleteCommand({
        TableName: table(),
        Key: claimKey(app.cluster, app.project, app.name),
        ConditionExpression: '#ns = :ns',
        ExpressionAttributeNames: { '#ns': 'namespace' },
        ExpressionAttributeValues: { ':ns': app.namespace },
      }),
    );
  } catch (error) {
    if (!isConditionFailed(error)) throw error;
  }
}

/** The operations of an app, newest first. */
export async function listOperations(ref: AppRef): Promise<OperationRecord[]> {
  const items = await queryAll({ table: table(), pk: operationsPk(ref.cluster, ref.namespace, ref.name), forward: false, consistent: true });
  return items.map((item) => OperationRecordSchema.parse(item));
}

export async function listNamespaceApps(cluster: string, namespace: string): Promise<AppRecord[]> {
  const items = await queryAll({ table: table(), pk: `APPS#${cluster}#${namespace}`, consistent: true });
  return items.map((item) => AppRecordSchema.parse(item));
}

export async function listProjectApps(cluster: string, project: string): Promise<AppRecord[]> {
  const items = await queryAll({ table: table(), index: 'gsi1', pk: `PROJECT#${cluster}#${project}` });
  return items.map((item) => AppRecordSchema.parse(item));
}

export async function listClusterApps(cluster: string): Promise<AppRecord[]> {
  const items = await queryAll({ table: table(), index: 'gsi2', pk: `APPS#${cluster}` });
  return items.map((item) => AppRecordSchema.parse(item));
}
