/**
 * Configuration-center keys in the config table. Names (env, app, cluster, namespace) cannot
 * contain `#`, so `#` separates key parts. A namespace's data is keyed by its `uid`, fixed at
 * creation: a namespace deleted and created again starts empty even before its old data is purged.
 *
 *   app            pk = ENV#<env>                       sk = APP#<app>          cluster_count
 *   app counter    pk = ENV#<env>                       sk = #APPS              count (list totals)
 *   cluster        pk = APP#<env>#<app>                 sk = CLUSTER#<cluster>  namespace_count
 *   namespace      pk = CLUSTER#<env>#<app>#<cluster>   sk = NS#<namespace>     uid, item_count, history_count,
 *                                                                               head: latest_seq, latest_release_id, …,
 *                                                                               gray: { id, ips, labels, rev, item_count, release? }
 *   item           pk = ITEMS#<uid>                     sk = <key>              version, hash, times, operator, value if ≤ 1 KiB
 *   item value     pk = VAL#<uid>                       sk = <key>#<version>    value > 1 KiB (immutable: never overwritten)
 *   release        pk = REL#<uid>                       sk = <seq, 10 digits>   id, name, time, operator, comment, item_count
 *   manifest chunk pk = MAN#<uid>#<release id>          sk = <chunk, 5 digits>  entries [key, version, hash, small value?] × ≤ 100
 *   history        pk = HIST#<uid>                      sk = <time>#<random>    action, key, release_id, operator
 *   gray item      pk = GRAY#<uid>                      sk = <gray id>#<key>    version, hash, deleted, times, value if ≤ 1 KiB
 *   gray release   pk = GREL#<uid>                      sk = <gray release id>  name, time, operator, comment, counts, base
 *   gray overrides pk = MAN#<uid>#<gray release id>     sk = o<chunk, 5 digits> entries [key, version, hash, value?] or [key] × ≤ 100
 *   push connection pk = PUSH#<connection id>            sk = CONN               user_id, token_hash, ip, namespaces, expires_at
 *   push subscriber pk = PUSHSUB#<env>#<app>#<cluster>#<namespace>  sk = <connection id>  ip, label, expires_at
 *
 * A manifest is keyed by release id, not sequence, so two publishes racing for the same sequence
 * number never write into each other's chunks; the loser deletes its own.
 *
 * A gray release's manifest chunks sit in its `MAN#` partition like any release's; the overrides it
 * was built from sit beside them (sort keys `o…`, after the numbered chunks), so a new main release
 * can re-base it. Gray items of a branch share a sort-key prefix (the branch id, fixed length), so
 * a branch's items are one Query and a new branch never sees an abandoned one's.
 *
 * Push (functions/kvconfig/push-*.ts): a connection item per WebSocket connection, and one subscriber
 * item per (namespace, connection), so the fan-out of a namespace's change is one Query of its
 * subscriber partition. Both expire (`expires_at`, the table's TTL) shortly after API Gateway's
 * two-hour connection limit, whatever happened to the connection.
 *
 * Access patterns: every list is one Query on a partition in sort-key order; `configs` reads the
 * namespace item (head), the manifest chunks that cover the page (one Query), and only the page's
 * large values by BatchGet — a bounded number of reads whatever the namespace's history. The long poll reads
 * only the namespace item.
 */
export const MANIFEST_CHUNK_SIZE = 100;

/**
 * Values up to this many UTF-8 bytes live inline in the item and in manifest chunks, so pages of
 * small values are read by Query (billed by total size) instead of one GetItem each (billed per item,
 * at least half a unit). 100 entries of 256-char keys and 1 KiB values keep a chunk under 150 KB.
 */
export const INLINE_VALUE_BYTES = 1024;

export type NamespacePath = Readonly<{ env: string; app: string; cluster: string; namespace: string }>;

export const appKey = (env: string, app: string) => ({ pk: `ENV#${env}`, sk: `APP#${app}` });
export const appCounterKey = (env: string) => ({ pk: `ENV#${env}`, sk: '#APPS' });
export const clusterKey = (env: string, app: string, cluster: string) => ({ pk: `APP#${env}#${app}`, sk: `CLUSTER#${cluster}` });
export const namespaceKey = (p: NamespacePath) => ({ pk: `CLUSTER#${p.env}#${p.app}#${p.cluster}`, sk: `NS#${p.namespace}` });

export const itemKey = (uid: string, key: string) => ({ pk: `ITEMS#${uid}`, sk: key });
export const valueKey = (uid: string, key: string, version: string) => ({ pk: `VAL#${uid}`, sk: `${key}#${version}` });
export const releaseKey = (uid: string, seq: number) => ({ pk: `REL#${uid}`, sk: seqSk(seq) });
export const chunkKey = (uid: string, releaseId: string, chunk: number) => ({ pk: `MAN#${uid}#${releaseId}`, sk: String(chunk).padStart(5, '0') });
export const historyPk = (uid: string) => `HIST#${uid}`;
export const grayItemKey = (uid: string, grayId: string, key: string) => ({ pk: `GRAY#${uid}`, sk: `${grayId}#${key}` });
export const grayItemPrefix = (grayId: string) => `${grayId}#`;
export const grayReleaseKey = (uid: string, releaseId: string) => ({ pk: `GREL#${uid}`, sk: releaseId });
export const overrideChunkKey = (uid: string, releaseId: string, chunk: number) => ({
  pk: `MAN#${uid}#${releaseId}`,
  sk: `o${String(chunk).padStart(5, '0')}`,
});
export const connectionKey = (connectionId: string) => ({ pk: `PUSH#${connectionId}`, sk: 'CONN' });
export const subscriberPk = (p: NamespacePath) => `PUSHSUB#${p.env}#${p.app}#${p.cluster}#${p.namespace}`;

/** The namespace a namespace item's key names (the item itself does not repeat its env). */
export function namespaceOfKey(key: { pk: string; sk: string }): NamespacePath | undefined {
  const [kind, env, app, cluster, ...rest] = key.pk.split('#');
  if (kind !== 'CLUSTER' || !env || !app || !cluster || rest.length > 0 || !key.sk.startsWith('NS#')) return undefined;
  return { env, app, cluster, namespace: key.sk.slice(3) };
}

export const seqSk = (seq: number) => String(seq).padStart(10, '0');

/** Partitions that hold a namespace's data, for purging (manifest partitions are per release id). */
export const dataPartitions = (uid: string) => [`ITEMS#${uid}`, `VAL#${uid}`, `REL#${uid}`, `HIST#${uid}`, `GRAY#${uid}`, `GREL#${uid}`];
