import { GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { config } from '#shared/config.js';
import { batchWrite, dynamo, forEachQueryPage, isTransactionConditionFailed, queryOffset } from '#shared/dynamo.js';
import { newId } from '#shared/ids.js';
import type { NamespacePath } from '../keys.js';
import { chunkKey, historyPk, MANIFEST_CHUNK_SIZE, namespaceKey, releaseKey } from '../keys.js';
import { grayHeadOf, grayReleasePut } from './gray.js';
import type { TransactItem } from './items.js';
import type { GrayReleaseRecord, ManifestEntry, ReleaseRecord } from './records.js';
import { ManifestEntrySchema, ReleaseRecordSchema } from './records.js';

/**
 * Releases: an immutable manifest (key → value version, hash, small value) cut into chunks of 100 entries, and a
 * release item. Publishing writes the chunks first — invisible until committed — then one
 * transaction puts the release item and moves the namespace head, conditioned on the head's
 * sequence: of two concurrent publishes one commits and the other retries with the next number.
 */
const table = () => config.tables.config;

/** Writes a manifest's chunks for release `seq`; returns the chunk count. */
export async function writeManifest(uid: string, releaseId: string, entries: readonly ManifestEntry[]): Promise<number> {
  const chunks: ManifestEntry[][] = [];
  for (let i = 0; i < entries.length; i += MANIFEST_CHUNK_SIZE) chunks.push(entries.slice(i, i + MANIFEST_CHUNK_SIZE));
  await batchWrite(
    table(),
    chunks.map((chunk, index) => ({ put: { ...chunkKey(uid, releaseId, index), entries: chunk } })),
  );
  return chunks.length;
}

export async function deleteManifest(uid: string, releaseId: string, chunkCount: number): Promise<void> {
  await batchWrite(
    table(),
    Array.from({ length: chunkCount }, (_, index) => ({ delete: chunkKey(uid, releaseId, index) })),
  );
}

export type CommitOutcome = 'committed' | 'lost-race' | 'no-namespace';

/**
 * What a main release does to the namespace's gray branch, in the same transaction, and the gray
 * state it requires (so a gray publish racing it from another process makes one of them retry):
 * - `none`: the namespace has no published gray release (and must still have none);
 * - `rebase`: the published gray release `previousId` is replaced by `record` — the new main release
 *   with the same overrides — so gray clients get main's changes too (as Apollo does);
 * - `end`: a merge — the branch `grayId`, its items still at revision `rev`, is removed.
 */
export type GrayCommit =
  { kind: 'none' } | { kind: 'rebase'; grayId: string; previousId: string; record: GrayReleaseRecord } | { kind: 'end'; grayId: string; rev: number };

/** The namespace update's gray part: expression pieces and their names and values. */
function grayPart(gray: GrayCommit): { set: string; remove: string; condition: string; names: Record<string, string>; values: Record<string, unknown> } {
  if (gray.kind === 'none') return { set: '', remove: '', condition: 'attribute_not_exists(#g.#rel)', names: { '#g': 'gray', '#rel': 'release' }, values: {} };
  if (gray.kind === 'rebase')
    return {
      set: ', #g.#rel = :grayHead',
      remove: '',
      condition: '#g.#gid = :gid AND #g.#rel.#rid = :grayPrevious',
      names: { '#g': 'gray', '#gid': 'id', '#rel': 'release', '#rid': 'release_id' },
      values: { ':grayHead': grayHeadOf(gray.record), ':gid': gray.grayId, ':grayPrevious': gray.previousId },
    };
  return {
    set: '',
    remove: ' REMOVE #g',
    condition: '#g.#gid = :gid AND #g.#rev = :rev',
    names: { '#g': 'gray', '#gid': 'id', '#rev': 'rev' },
    values: { ':gid': gray.grayId, ':rev': gray.rev },
  };
}

/**
 * Makes release `release` the namespace's latest, if the head is still at `expectedSeq` and the gray
 * branch is as `gray` expects. `action` names the history record (`gray_merge` for a merge).
 */
export async function commitRelease(
  p: NamespacePath,
  uid: string,
  expectedSeq: number,
  release: ReleaseRecord,
  action: 'publish' | 'rollback' | 'gray_merge',
  gray: GrayCommit = { kind: 'none' },
): Promise<CommitOutcome> {
  const part = grayPart(gray);
  const history = (record: Record<string, unknown>): TransactItem => ({
    Put: { TableName: table(), Item: { pk: historyPk(uid), sk: `${release.release_time}#${newId('h')}`, time: release.release_time, ...record } },
  });
  const items: TransactItem[] = [
    { Put: { TableName: table(), Item: { ...releaseKey(uid, release.seq), ...release }, ConditionExpression: 'attribute_not_exists(pk)' } },
    {
      Update: {
        TableName: table(),
        Key: namespaceKey(p),
        UpdateExpression: `SET latest_seq = :seq, latest_release_id = :id, latest_release_name = :name, latest_release_time = :time, latest_comment = :comment, latest_operator = :op, latest_item_count = :count${part.set}${part.remove} ADD history_count :histories`,
        ConditionExpression: `uid = :uid AND latest_seq = :expected AND ${part.condition}`,
        ExpressionAttributeNames: part.names,
        ExpressionAttributeValues: {
          ':seq': release.seq,
          ':id': release.release_id,
          ':name': release.release_name,
          ':time': release.release_time,
          ':comment': release.comment,
          ':op': release.operator,
          ':count': release.item_count,
          ':histories': gray.kind === 'rebase' ? 2 : 1,
          ':uid': uid,
          ':expected': expectedSeq,
          ...part.values,
        },
      },
    },
    history({
      action,
      release_id: release.release_id,
      release_name: release.release_name,
      operator: release.operator,
      ...(gray.kind === 'end' ? { gray_id: gray.grayId } : {}),
    }),
  ];
  if (gray.kind === 'rebase') {
    items.push(
      grayReleasePut(uid, gray.record),
      history({
        action: 'gray_rebase',
        gray_id: gray.grayId,
        release_id: gray.record.release_id,
        release_name: gray.record.release_name,
        operator: release.operator,
        base_release_id: release.release_id,
      }),
    );
  }
  try {
    await dynamo.send(new TransactWriteCommand({ TransactItems: items }));
    return 'committed';
  } catch (error) {
    if (isTransactionConditionFailed(error, 0) || isTransactionConditionFailed(error, 3)) return 'lost-race';
    if (isTransactionConditionFailed(error, 1)) {
      const { Item } = await dynamo.send(new GetCommand({ TableName: table(), Key: namespaceKey(p), ConsistentRead: true }));
      return Item?.uid === uid ? 'lost-race' : 'no-namespace';
    }
    throw error;
  }
}

export async function getRelease(uid: string, seq: number): Promise<ReleaseRecord | undefined> {
  const { Item } = await dynamo.send(new GetCommand({ TableName: table(), Key: releaseKey(uid, seq) }));
  return Item ? ReleaseRecordSchema.parse(Item) : undefined;
}

export async function listReleases(uid: string, offset: number, limit: number, newestFirst: boolean): Promise<ReleaseRecord[]> {
  const items = await queryOffset({ table: table(), pk: `REL#${uid}`, offset, limit, forward: !newestFirst });
  return items.map((i) => ReleaseRecordSchema.parse(i));
}

/** Entries [from, to) of a release's manifest: reads only the chunks that cover the range. */
export type ManifestRef = Pick<ReleaseRecord, 'release_id' | 'item_count'>;

export async function readManifestRange(uid: string, release: ManifestRef, from: number, to: number): Promise<ManifestEntry[]> {
  const end = Math.min(to, release.item_count);
  if (from >= end) return [];
  const first = Math.floor(from / MANIFEST_CHUNK_SIZE);
  const last = Math.floor((end - 1) / MANIFEST_CHUNK_SIZE);
  // One Query over the covering chunks: billed by their total size, not per chunk. Chunks are
  // immutable and written before their release commits, so an eventually consistent read that
  // misses one (only just after a publish) is simply repeated strongly.
  let chunks = await queryChunks(uid, release.release_id, first, last, false);
  if (chunks.length !== last - first + 1) chunks = await queryChunks(uid, release.release_id, first, last, true);
  if (chunks.length !== last - first + 1) throw new Error(`manifest of ${release.release_id} has ${chunks.length} of chunks ${first}–${last}`);
  const entries = chunks.flatMap((chunk) => ManifestEntrySchema.array().parse(chunk.entries));
  return entries.slice(from - first * MANIFEST_CHUNK_SIZE, end - first * MANIFEST_CHUNK_SIZE);
}

async function queryChunks(uid: string, releaseId: string, first: number, last: number, consistent: boolean): Promise<Record<string, unknown>[]> {
  const from = chunkKey(uid, releaseId, first);
  const out: Record<string, unknown>[] = [];
  await forEachQueryPage(
    {
      TableName: table(),
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :first AND :last',
      ExpressionAttributeValues: { ':pk': from.pk, ':first': from.sk, ':last': chunkKey(uid, releaseId, last).sk },
      ConsistentRead: consistent,
    },
    (page) => void out.push(...(page.Items ?? [])),
  );
  return out;
}

export async function readManifest(uid: string, release: ManifestRef): Promise<ManifestEntry[]> {
  return readManifestRange(uid, release, 0, release.item_count);
}
