import { createHash } from 'node:crypto';
import { GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { config } from '#shared/config.js';
import { batchGet, dynamo, isTransactionConditionFailed, queryAll, queryOffset, retryConflicts } from '#shared/dynamo.js';
import { newId } from '#shared/ids.js';
import type { NamespacePath } from '../keys.js';
import { historyPk, INLINE_VALUE_BYTES, itemKey, namespaceKey, valueKey } from '../keys.js';
import type { ItemRecord } from './records.js';
import { ItemRecordSchema } from './records.js';

/**
 * Namespace items. An item is a small pointer (key → value version and hash) plus an immutable value
 * item per version, so releases can refer to versions instead of copying values, and list pages read
 * small pointers. Every write also moves the namespace's counters and appends a history record in
 * the same transaction, conditioned on the namespace's uid (so a write cannot land in a namespace
 * that was deleted, nor in one created again under the same name).
 */
const table = () => config.tables.config;
export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

export const MAX_ITEMS = 5000;

export type ItemWithValue = ItemRecord & { key: string; value: string };
export type SetOutcome = { kind: 'ok'; item: ItemWithValue } | { kind: 'no-namespace' } | { kind: 'full' };

export function hashValue(value: string): string {
  return createHash('sha256').update(value).digest('base64url').slice(0, 22);
}

/** A history record put, for a transaction that also moves the namespace's `history_count`. */
export function historyPut(uid: string, now: string, record: Record<string, unknown>): TransactItem {
  return { Put: { TableName: table(), Item: { pk: historyPk(uid), sk: `${now}#${newId('h')}`, time: now, ...record } } };
}

function namespaceUpdate(p: NamespacePath, uid: string, itemDelta: -1 | 0 | 1): TransactItem {
  return {
    Update: {
      TableName: table(),
      Key: namespaceKey(p),
      UpdateExpression: itemDelta === 0 ? 'ADD history_count :one' : 'ADD history_count :one, item_count :delta',
      ConditionExpression: itemDelta === 1 ? 'uid = :uid AND item_count < :max' : 'uid = :uid',
      ExpressionAttributeValues: {
        ':one': 1,
        ':uid': uid,
        ...(itemDelta === 0 ? {} : { ':delta': itemDelta }),
        ...(itemDelta === 1 ? { ':max': MAX_ITEMS } : {}),
      },
    },
  };
}

/**
 * Creates or replaces an item; a new key counts against the namespace's 5,000-item limit. Reads the
 * item first so a replace costs one transaction; a concurrent create or delete of the same key makes
 * the transaction's condition fail and the loop takes the other path.
 */
export async function setItem(p: NamespacePath, uid: string, key: string, value: string, operator: string, now: string): Promise<SetOutcome> {
  const version = newId('v');
  const hash = hashValue(value);
  const inline = Buffer.byteLength(value, 'utf8') <= INLINE_VALUE_BYTES;
  // A small value rides in the item itself; a large one gets its own immutable item.
  const valuePut: TransactItem[] = inline ? [] : [{ Put: { TableName: table(), Item: { ...valueKey(uid, key, version), value } } }];
  const history: TransactItem = historyPut(uid, now, { action: 'set', key, operator, version });
  return retryConflicts(async () => {
    for (;;) {
      const current = await dynamo.send(new GetCommand({ TableName: table(), Key: itemKey(uid, key), ConsistentRead: true }));
      const createTime = typeof current.Item?.create_time === 'string' ? current.Item.create_time : now;
      const pointer: TransactItem = current.Item
        ? {
            Update: {
              TableName: table(),
              Key: itemKey(uid, key),
              UpdateExpression: inline
                ? 'SET #ver = :v, #h = :h, update_time = :t, #o = :o, #val = :val'
                : 'SET #ver = :v, #h = :h, update_time = :t, #o = :o REMOVE #val',
              ConditionExpression: 'attribute_exists(pk)',
              ExpressionAttributeNames: { '#ver': 'version', '#h': 'hash', '#o': 'operator', '#val': 'value' },
              ExpressionAttributeValues: { ':v': version, ':h': hash, ':t': now, ':o': operator, ...(inline ? { ':val': value } : {}) },
            },
          }
        : {
            Put: {
              TableName: table(),
              Item: { ...itemKey(uid, key), version, hash, create_time: now, update_time: now, operator, ...(inline ? { value } : {}) },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          };
      try {
        await dynamo.send(new TransactWriteCommand({ TransactItems: [pointer, namespaceUpdate(p, uid, current.Item ? 0 : 1), history, ...valuePut] }));
        return { kind: 'ok', item: { sk: key, key, value, version, hash, create_time: createTime, update_time: now, operator } };
      } catch (error) {
        // The key appeared or vanished since the read: take the other path.
        if (isTransactionConditionFailed(error, 0)) continue;
        if (isTransactionConditionFailed(error, 1)) return (await namespaceGone(p, uid)) ? { kind: 'no-namespace' } : { kind: 'full' };
        throw error;
      }
    }
  });
}

async function namespaceGone(p: NamespacePath, uid: string): Promise<boolean> {
  const { Item } = await dynamo.send(new GetCommand({ TableName: table(), Key: namespaceKey(p), ConsistentRead: true }));
  return !Item || Item.uid !== uid;
}

export type DeleteOutcome = 'deleted' | 'missing' | 'no-namespace';

export async function deleteItem(p: NamespacePath, uid: string, key: string, operator: string, now: string): Promise<DeleteOutcome> {
  return retryConflicts(async () => {
    try {
      await dynamo.send(
        new TransactWriteCommand({
          TransactItems: [
            { Delete: { TableName: table(), Key: itemKey(uid, key), ConditionExpression: 'attribute_exists(pk)' } },
            namespaceUpdate(p, uid, -1),
            historyPut(uid, now, { action: 'delete', key, operator }),
          ],
        }),
      );
      return 'deleted';
    } catch (error) {
      if (isTransactionConditionFailed(error, 0)) return 'missing';
      if (isTransactionConditionFailed(error, 1)) return 'no-namespace';
      throw error;
    }
  });
}

export async function getItem(uid: string, key: string): Promise<ItemWithValue | undefined> {
  const { Item } = await dynamo.send(new GetCommand({ TableName: table(), Key: itemKey(uid, key), ConsistentRead: true }));
  if (!Item) return undefined;
  const [item] = await withValues(uid, [ItemRecordSchema.parse(Item)]);
  return item;
}

/**
 * Values of (key, version, inline value?) entries, keyed by item key: inline ones as they are, the
 * rest by BatchGet of their immutable value items.
 */
export async function readValues(uid: string, entries: readonly (readonly [string, string, string?])[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const stored: (readonly [string, string])[] = [];
  for (const [key, version, value] of entries) {
    if (value !== undefined) out.set(key, value);
    else stored.push([key, version]);
  }
  if (stored.length === 0) return out;
  const found = await batchGet(
    table(),
    stored.map(([key, version]) => valueKey(uid, key, version)),
  );
  for (const [key, version] of stored) {
    const item = found.get(`VAL#${uid}|${key}#${version}`);
    if (item && typeof item.value === 'string') out.set(key, item.value);
  }
  return out;
}

/** A page of items in key order, with values. */
export async function listItems(uid: string, offset: number, limit: number): Promise<ItemWithValue[]> {
  const pointers = (await queryOffset({ table: table(), pk: `ITEMS#${uid}`, offset, limit, consistent: true })).map((i) => ItemRecordSchema.parse(i));
  return withValues(uid, pointers);
}

/** Every item pointer of a namespace in key order (small items; used by search and publish). */
export async function allPointers(uid: string): Promise<ItemRecord[]> {
  return (await queryAll({ table: table(), pk: `ITEMS#${uid}`, consistent: true })).map((i) => ItemRecordSchema.parse(i));
}

export async function withValues(uid: string, pointers: readonly ItemRecord[]): Promise<ItemWithValue[]> {
  const values = await readValues(
    uid,
    pointers.map((p) => [p.sk, p.version, p.value] as const),
  );
  return pointers.map((p) => ({ ...p, key: p.sk, value: values.get(p.sk) ?? '' }));
}
