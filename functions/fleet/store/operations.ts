import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { config } from '#shared/config.js';
import { batchWrite, dynamo, isConditionFailed, queryAll } from '#shared/dynamo.js';
import { operationKey, rowKey } from '../keys.js';
import type { OperationRecord, RowRecord, RowStatus } from './records.js';
import { OperationRecordSchema, RowRecordSchema, TERMINAL } from './records.js';

/**
 * Deployments and rollbacks ("operations"): a header item and one row per instance in the same
 * partition, so a status read is one Query. Row transitions are conditional on the row not being
 * terminal yet, so a late or repeated answer never overwrites a final state.
 */
const table = () => config.tables.fleet;

/** Creates the header unless the id exists; returns the existing header when it does. */
export async function createOperation(op: OperationRecord): Promise<{ created: true } | { created: false; existing: OperationRecord }> {
  try {
    await dynamo.send(new PutCommand({ TableName: table(), Item: { ...operationKey(op.id), ...op }, ConditionExpression: 'attribute_not_exists(pk)' }));
    return { created: true };
  } catch (error) {
    if (!isConditionFailed(error)) throw error;
    const existing = await getOperation(op.id);
    if (!existing) throw error;
    return { created: false, existing };
  }
}

export async function deleteOperation(id: string): Promise<void> {
  await dynamo.send(new DeleteCommand({ TableName: table(), Key: operationKey(id) }));
}

export async function getOperation(id: string): Promise<OperationRecord | undefined> {
  const { Item } = await dynamo.send(new GetCommand({ TableName: table(), Key: operationKey(id), ConsistentRead: true }));
  return Item ? OperationRecordSchema.parse(Item) : undefined;
}

/** The header and every row, in one Query. */
export async function getOperationWithRows(id: string): Promise<{ op: OperationRecord; rows: RowRecord[] } | undefined> {
  const items = await queryAll({ table: table(), pk: `OP#${id}`, consistent: true });
  const header = items.find((i) => i.sk === '#OP');
  if (!header) return undefined;
  return { op: OperationRecordSchema.parse(header), rows: items.filter((i) => i.sk !== '#OP').map((i) => RowRecordSchema.parse(i)) };
}

export async function putRows(id: string, rows: readonly RowRecord[]): Promise<void> {
  await batchWrite(
    table(),
    rows.map((row) => ({ put: { ...rowKey(id, row.instance_id), ...row } })),
  );
}

export async function getRow(id: string, instance: string): Promise<RowRecord | undefined> {
  const { Item } = await dynamo.send(new GetCommand({ TableName: table(), Key: rowKey(id, instance), ConsistentRead: true }));
  return Item ? RowRecordSchema.parse(Item) : undefined;
}

/**
 * Moves a row to `status` with `fields`, unless it is already terminal (or, with `from`, unless it
 * is not in one of those states; with `commandId`, unless that command is the row's current one).
 * Returns the row after the change, or undefined when refused.
 */
export async function updateRow(
  id: string,
  instance: string,
  status: RowStatus,
  fields: Partial<RowRecord>,
  from?: readonly RowStatus[],
  commandId?: string,
): Promise<RowRecord | undefined> {
  const allowed = from ?? ['pending', 'in_progress'];
  const names: Record<string, string> = { '#status': 'status' };
  const values: Record<string, unknown> = { ':status': status };
  const sets = ['#status = :status'];
  for (const [key, value] of Object.entries(fields)) {
    names[`#${key}`] = key;
    values[`:${key}`] = value;
    sets.push(`#${key} = :${key}`);
  }
  allowed.forEach((s, i) => (values[`:from${i}`] = s));
  if (commandId !== undefined) {
    names['#cmd'] = 'command_id';
    values[':cmd'] = commandId;
  }
  try {
    const { Attributes } = await dynamo.send(
      new UpdateCommand({
        TableName: table(),
        Key: rowKey(id, instance),
        UpdateExpression: `SET ${sets.join(', ')}`,
        ConditionExpression: `attribute_exists(pk) AND #status IN (${allowed.map((_, i) => `:from${i}`).join(', ')})${commandId !== undefined ? ' AND #cmd = :cmd' : ''}`,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
        ReturnValues: 'ALL_NEW',
      }),
    );
    return RowRecordSchema.parse(Attributes);
  } catch (error) {
    if (isConditionFailed(error)) return undefined;
    throw error;
  }
}

/** Updates header fields; with `unlessFinal`, only while the operation has not ended. */
export async function updateOperation(id: string, fields: Partial<OperationRecord>, unlessFinal = true): Promise<boolean> {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const sets: string[] = [];
  for (const [key, value] of Object.entries(fields)) {
    names[`#${key}`] = key;
    values[`:${key}`] = value;
    sets.push(`#${key} = :${key}`);
  }
  if (unlessFinal) {
    names['#st'] = 'status';
    TERMINAL.forEach((s, i) => (values[`:t${i}`] = s));
  }
  try {
    await dynamo.send(
      new UpdateCommand({
        TableName: table(),
        Key: operationKey(id),
        UpdateExpression: `SET ${sets.join(', ')}`,
        ConditionExpression: unlessFinal ? `attribute_exists(pk) AND NOT #st IN (${TERMINAL.map((_, i) => `:t${i}`).join(', ')})` : 'attribute_exists(pk)',
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailed(error)) return false;
    throw error;
  }
}
