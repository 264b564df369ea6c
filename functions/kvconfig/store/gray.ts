import { GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { config } from '#shared/config.js';
import { batchWrite, dynamo, forEachQueryPage, isTransactionConditionFailed, queryAll, queryOffset, retryConflicts } from '#shared/dynamo.js';
import type { NamespacePath } from '../keys.js';
import { grayItemKey, grayItemPrefix, grayReleaseKey, INLINE_VALUE_BYTES, MANIFEST_CHUNK_SIZE, namespaceKey, overrideChunkKey, valueKey } from '../keys.js';
import { newId } from '#shared/ids.js';
import type { TransactItem } from './items.js';
import { hashValue, historyPut } from './items.js';
import type { GrayHead, GrayItemRecord, GrayReleaseRecord, GrayState, OverrideEntry } from './records.js';
import { GrayItemRecordSchema, GrayReleaseRecordSchema, OverrideEntrySchema } from './records.js';

/**
 * The gray branch of a namespace: its state is the `gray` map on the namespace item (so serving
 * decides with the head read), its items and releases are keyed by the namespace's uid. Every write
 * moves the namespace item in the same transaction, conditioned on the namespace's uid and on the
 * branch's id, so a write cannot land in a branch that was merged or abandoned meanwhile.
 */
const table = () => config.tables.config;

/** Why a conditional write of the branch did not happen. */
export type GrayMiss = 'no-namespace' | 'no-gray';

/** Attribute names of the `gray` map, shared by every expression below. */
const NAMES = { '#g': 'gray', '#gid': 'id', '#rev': 'rev', '#cnt': 'item_count', '#ut': 'update_time', '#rel': 'release', '#rid': 'release_id' } as const;

/**
 * Why a write conditioned on the branch failed, read back: the namespace is gone (or is another one
 * of the same name), it has no branch `grayId` any more, or the branch is still there (`present`:
 * another part of the condition failed).
 */
async function missOf(p: NamespacePath, uid: string, grayId?: string): Promise<GrayMiss | 'present'> {
  const { Item } = await dynamo.send(new GetCommand({ TableName: table(), Key: namespaceKey(p), ConsistentRead: true }));
  if (!Item || Item.uid !== uid) return 'no-namespace';
  const gray = Item.gray as { id?: unknown } | undefined;
  return grayId !== undefined && gray?.id === grayId ? 'present' : 'no-gray';
}

/** A write conditioned only on the namespace and the branch failed: which of the two is gone. */
async function branchGone(p: NamespacePath, uid: string): Promise<GrayMiss> {
  return (await missOf(p, uid)) === 'no-namespace' ? 'no-namespace' : 'no-gray';
}

/** Opens the namespace's branch; `exists` when it already has one. */
export async function createBranch(p: NamespacePath, uid: string, gray: GrayState): Promise<'created' | 'exists' | 'no-namespace'> {
  return retryConflicts(async () => {
    try {
      await dynamo.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: table(),
                Key: namespaceKey(p),
                UpdateExpression: 'SET #g = :gray ADD history_count :one',
                ConditionExpression: 'uid = :uid AND attribute_not_exists(#g)',
                ExpressionAttributeNames: { '#g': 'gray' },
                ExpressionAttributeValues: { ':gray': gray, ':one': 1, ':uid': uid },
              },
            },
            historyPut(uid, gray.create_time, { action: 'gray_create', gray_id: gray.id, ips: gray.ips, labels: gray.labels, operator: gray.operator }),
          ],
        }),
      );
      return 'created';
    } catch (error) {
      if (isTransactionConditionFailed(error, 0)) return (await missOf(p, uid)) === 'no-namespace' ? 'no-namespace' : 'exists';
      throw error;
    }
  });
}

/** Replaces the branch's rules. */
export async function updateRules(
  p: NamespacePath,
  uid: string,
  grayId: string,
  rules: { ips: string[]; labels: string[] },
  operator: string,
  now: string,
): Promise<'ok' | GrayMiss> {
  return retryConflicts(async () => {
    try {
      await dynamo.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: table(),
                Key: namespaceKey(p),
                UpdateExpression: 'SET #g.#ips = :ips, #g.#labels = :labels, #g.#ut = :now ADD history_count :one',
                ConditionExpression: 'uid = :uid AND #g.#gid = :gid',
                ExpressionAttributeNames: { '#g': 'gray', '#gid': 'id', '#ips': 'ips', '#labels': 'labels', '#ut': 'update_time' },
                ExpressionAttributeValues: { ':ips': rules.ips, ':labels': rules.labels, ':now': now, ':one': 1, ':uid': uid, ':gid': grayId },
              },
            },
            historyPut(uid, now, { action: 'gray_rules', gray_id: grayId, ips: rules.ips, labels: rules.labels, operator }),
          ],
        }),
      );
      return 'ok';
    } catch (error) {
      if (isTransactionConditionFailed(error, 0)) return branchGone(p, uid);
      throw error;
    }
  });
}

/** The namespace update of a gray item write: the branch's revision moves, and its count by `delta`. */
function branchUpdate(p: NamespacePath, uid: string, grayId: string, delta: -1 | 0 | 1, max: number, now: string): TransactItem {
  return {
    Update: {
      TableName: table(),
      Key: namespaceKey(p),
      UpdateExpression: 'SET #g.#rev = #g.#rev + :one, #g.#cnt = #g.#cnt + :delta, #g.#ut = :now ADD history_count :one',
      ConditionExpression: delta === 1 ? 'uid = :uid AND #g.#gid = :gid AND #g.#cnt < :max' : 'uid = :uid AND #g.#gid = :gid',
      ExpressionAttributeNames: { '#g': NAMES['#g'], '#gid': NAMES['#gid'], '#rev': NAMES['#rev'], '#cnt': NAMES['#cnt'], '#ut': NAMES['#ut'] },
      ExpressionAttributeValues: { ':one': 1, ':delta': delta, ':now': now, ':uid': uid, ':gid': grayId, ...(delta === 1 ? { ':max': max } : {}) },
    },
  };
}

export type GraySetOutcome = { kind: 'ok'; item: GrayItemRecord } | { kind: 'no-namespace' } | { kind: 'no-gray' } | { kind: 'full' };

/**
 * Sets a gray item: a value for gray clients, or (`value` undefined) the key deleted for them. As
 * main items: read first so a replace costs one transaction, and a concurrent create or delete of
 * the same key makes the condition fail and the loop take the other path.
 */
export async function setGrayItem(
  p: NamespacePath,
  uid: string,
  grayId: string,
  key: string,
  value: string | undefined,
  options: { operator: string; now: string; max: number },
): Promise<GraySetOutcome> {
  const { operator, now, max } = options;
  const version = newId('v');
  const text = value ?? '';
  const hash = value === undefined ? 'deleted' : hashValue(value);
  const inline = Buffer.byteLength(text, 'utf8') <= INLINE_VALUE_BYTES;
  const valuePut: TransactItem[] = inline ? [] : [{ Put: { TableName: table(), Item: { ...valueKey(uid, key, version), value: text } } }];
  const history = historyPut(uid, now, { action: 'gray_set', gray_id: grayId, key, operator, ...(value === undefined ? { deleted: true } : {}) });
  return retryConflicts(async () => {
    for (;;) {
      const current = await dynamo.send(new GetCommand({ TableName: table(), Key: grayItemKey(uid, grayId, key), ConsistentRead: true }));
      const createTime = typeof current.Item?.create_time === 'string' ? current.Item.create_time : now;
      const item: GrayItemRecord = {
        key,
        version,
        hash,
        deleted: value === undefined,
        create_time: createTime,
        update_time: now,
        operator,
        ...(inline ? { value: text } : {}),
      };
      const put: TransactItem = {
        Put: {
          TableName: table(),
          Item: { ...grayItemKey(uid, grayId, key), ...item },
          ConditionExpression: current.Item ? 'attribute_exists(pk)' : 'attribute_not_exists(pk)',
        },
      };
      try {
        await dynamo.send(
          new TransactWriteCommand({ TransactItems: [put, branchUpdate(p, uid, grayId, current.Item ? 0 : 1, max, now), history, ...valuePut] }),
        );
        return { kind: 'ok', item };
      } catch (error) {
        if (isTransactionConditionFailed(error, 0)) continue;
        if (isTransactionConditionFailed(error, 1)) {
          const miss = await missOf(p, uid, grayId);
          if (miss === 'present') return { kind: 'full' };
          return miss === 'no-gray' ? { kind: 'no-gray' } : { kind: 'no-namespace' };
        }
        throw error;
      }
    }
  });
}

/** Removes a gray item: gray clients get the main release's value of the key again. */
export async function deleteGrayItem(
  p: NamespacePath,
  uid: string,
  grayId: string,
  key: string,
  operator: string,
  now: string,
): Promise<'deleted' | 'missing' | GrayMiss> {
  return retryConflicts(async () => {
    try {
      await dynamo.send(
        new TransactWriteCommand({
          TransactItems: [
            { Delete: { TableName: table(), Key: grayItemKey(uid, grayId, key), ConditionExpression: 'attribute_exists(pk)' } },
            branchUpdate(p, uid, grayId, -1, 0, now),
            historyPut(uid, now, { action: 'gray_delete', gray_id: grayId, key, operator }),
          ],
        }),
      );
      return 'deleted';
    } catch (error) {
      if (isTransactionConditionFailed(error, 1)) return branchGone(p, uid);
      if (isTransactionConditionFailed(error, 0)) return 'missing';
      throw error;
    }
  });
}

const grayItemOf = (item: Record<string, unknown>) => GrayItemRecordSchema.parse(item);

export async function getGrayItem(uid: string, grayId: string, key: string): Promise<GrayItemRecord | undefined> {
  const { Item } = await dynamo.send(new GetCommand({ TableName: table(), Key: grayItemKey(uid, grayId, key), ConsistentRead: true }));
  return Item ? grayItemOf(Item) : undefined;
}

/** A page of the branch's items in key order. */
export async function listGrayItems(uid: string, grayId: string, offset: number, limit: number): Promise<GrayItemRecord[]> {
  return (await queryOffset({ table: table(), pk: `GRAY#${uid}`, skPrefix: grayItemPrefix(grayId), offset, limit, consistent: true })).map(grayItemOf);
}

/** Every item of the branch in key order (the order of DynamoDB's sort keys, as main manifests). */
export async function allGrayItems(uid: string, grayId: string): Promise<GrayItemRecord[]> {
  return (await queryAll({ table: table(), pk: `GRAY#${uid}`, skPrefix: grayItemPrefix(grayId), consistent: true })).map(grayItemOf);
}

/**
 * Deletes the items of a branch that was merged or abandoned. They are unreachable already (keyed by
 * the branch id, which the namespace no longer names), so a cleanup cut short leaves garbage that
 * the namespace's purge takes, never wrong answers.
 */
export async function deleteBranchItems(uid: string, grayId: string): Promise<void> {
  const keys = await queryAll({ table: table(), pk: `GRAY#${uid}`, skPrefix: grayItemPrefix(grayId), projection: 'pk, sk' });
  await batchWrite(
    table(),
    keys.map((k) => ({ delete: { pk: String(k.pk), sk: String(k.sk) } })),
  );
}

/** Writes the overrides a gray release was built from beside its manifest chunks; returns the chunk count. */
export async function writeOverrides(uid: string, releaseId: string, overrides: readonly OverrideEntry[]): Promise<number> {
  const chunks: OverrideEntry[][] = [];
  for (let i = 0; i < overrides.length; i += MANIFEST_CHUNK_SIZE) chunks.push(overrides.slice(i, i + MANIFEST_CHUNK_SIZE));
  await batchWrite(
    table(),
    chunks.map((chunk, index) => ({ put: { ...overrideChunkKey(uid, releaseId, index), entries: chunk } })),
  );
  return chunks.length;
}

export async function deleteOverrides(uid: string, releaseId: string, chunkCount: number): Promise<void> {
  await batchWrite(
    table(),
    Array.from({ length: chunkCount }, (_, index) => ({ delete: overrideChunkKey(uid, releaseId, index) })),
  );
}

/** The overrides of a committed gray release, in key order. */
export async function readOverrides(uid: string, release: GrayReleaseRecord): Promise<OverrideEntry[]> {
  if (release.override_chunk_count === 0) return [];
  const first = overrideChunkKey(uid, release.release_id, 0);
  const chunks: Record<string, unknown>[] = [];
  await forEachQueryPage(
    {
      TableName: table(),
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :first AND :last',
      ExpressionAttributeValues: {
        ':pk': first.pk,
        ':first': first.sk,
        ':last': overrideChunkKey(uid, release.release_id, release.override_chunk_count - 1).sk,
      },
      ConsistentRead: true,
    },
    (page) => void chunks.push(...(page.Items ?? [])),
  );
  if (chunks.length !== release.override_chunk_count)
    throw new Error(`overrides of ${release.release_id}: ${chunks.length} of ${release.override_chunk_count} chunks`);
  return chunks.flatMap((chunk) => OverrideEntrySchema.array().parse(chunk.entries));
}

/** A gray release by id; `consistent` when it may have committed a moment ago and must be found (re-basing). */
export async function getGrayRelease(uid: string, releaseId: string, consistent = false): Promise<GrayReleaseRecord | undefined> {
  const { Item } = await dynamo.send(new GetCommand({ TableName: table(), Key: grayReleaseKey(uid, releaseId), ConsistentRead: consistent }));
  return Item ? GrayReleaseRecordSchema.parse(Item) : undefined;
}

/** The gray release as the namespace item holds it (what serving needs). */
export const grayHeadOf = (r: GrayReleaseRecord): GrayHead => ({
  release_id: r.release_id,
  release_name: r.release_name,
  release_time: r.release_time,
  operator: r.operator,
  comment: r.comment,
  item_count: r.item_count,
  ...(r.base_release_id ? { base_release_id: r.base_release_id } : {}),
});

/** The gray release record's put, for the transaction that makes it the branch's release. */
export function grayReleasePut(uid: string, record: GrayReleaseRecord): TransactItem {
  return { Put: { TableName: table(), Item: { ...grayReleaseKey(uid, record.release_id), ...record }, ConditionExpression: 'attribute_not_exists(pk)' } };
}

export type GrayCommitOutcome = 'committed' | 'lost-race' | GrayMiss;

/**
 * Makes `record` the branch's gray release, if the branch is still `grayId`, its release still
 * `previousId` (none: undefined) and main's head still at `mainSeq` — the release it was built on.
 */
export async function commitGrayRelease(
  p: NamespacePath,
  uid: string,
  expected: { grayId: string; previousId: string | undefined; mainSeq: number },
  record: GrayReleaseRecord,
): Promise<GrayCommitOutcome> {
  try {
    await dynamo.send(
      new TransactWriteCommand({
        TransactItems: [
          grayReleasePut(uid, record),
          {
            Update: {
              TableName: table(),
              Key: namespaceKey(p),
              UpdateExpression: 'SET #g.#rel = :head ADD history_count :one',
              ConditionExpression: `uid = :uid AND #g.#gid = :gid AND latest_seq = :seq AND ${expected.previousId ? '#g.#rel.#rid = :previous' : 'attribute_not_exists(#g.#rel)'}`,
              ExpressionAttributeNames: {
                '#g': NAMES['#g'],
                '#gid': NAMES['#gid'],
                '#rel': NAMES['#rel'],
                ...(expected.previousId ? { '#rid': NAMES['#rid'] } : {}),
              },
              ExpressionAttributeValues: {
                ':head': grayHeadOf(record),
                ':one': 1,
                ':uid': uid,
                ':gid': expected.grayId,
                ':seq': expected.mainSeq,
                ...(expected.previousId ? { ':previous': expected.previousId } : {}),
              },
            },
          },
          historyPut(uid, record.release_time, {
            action: 'gray_publish',
            gray_id: expected.grayId,
            release_id: record.release_id,
            release_name: record.release_name,
            operator: record.operator,
            ...(record.base_release_id ? { base_release_id: record.base_release_id } : {}),
          }),
        ],
      }),
    );
    return 'committed';
  } catch (error) {
    if (isTransactionConditionFailed(error, 0)) return 'lost-race';
    if (isTransactionConditionFailed(error, 1)) {
      const miss = await missOf(p, uid, expected.grayId);
      return miss === 'present' ? 'lost-race' : miss;
    }
    throw error;
  }
}

/** Ends the branch without merging: its clients go back to the main release. */
export async function abandonBranch(p: NamespacePath, uid: string, grayId: string, operator: string, now: string): Promise<'abandoned' | GrayMiss> {
  return retryConflicts(async () => {
    try {
      await dynamo.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: table(),
                Key: namespaceKey(p),
                UpdateExpression: 'REMOVE #g ADD history_count :one',
                ConditionExpression: 'uid = :uid AND #g.#gid = :gid',
                ExpressionAttributeNames: { '#g': NAMES['#g'], '#gid': NAMES['#gid'] },
                ExpressionAttributeValues: { ':one': 1, ':uid': uid, ':gid': grayId },
              },
            },
            historyPut(uid, now, { action: 'gray_abandon', gray_id: grayId, operator }),
          ],
        }),
      );
      return 'abandoned';
    } catch (error) {
      if (isTransactionConditionFailed(error, 0)) return branchGone(p, uid);
      throw error;
    }
  });
}
