import { config } from '#shared/config.js';
import { batchWrite, queryAll } from '#shared/dynamo.js';
import { dataPartitions } from '../keys.js';

/**
 * Deletes every item of a deleted namespace: its items, values, releases, manifests and history, and its gray items and gray releases.
 * Runs after the namespace item is gone, when the data is already unreachable (it is keyed by the
 * namespace's uid), so a purge cut short leaves garbage but never wrong answers.
 */
export async function purgeNamespaceData(uid: string): Promise<number> {
  const table = config.tables.config;
  // Main and gray releases each name a manifest partition; read them before their records go.
  const releases = [
    ...(await queryAll({ table, pk: `REL#${uid}`, projection: 'release_id' })),
    ...(await queryAll({ table, pk: `GREL#${uid}`, projection: 'release_id' })),
  ];
  const partitions = [...releases.map((r) => `MAN#${uid}#${String(r.release_id)}`), ...dataPartitions(uid)];
  let deleted = 0;
  for (const pk of partitions) {
    const keys = await queryAll({ table, pk, projection: 'pk, sk' });
    await batchWrite(
      table,
      keys.map((k) => ({ delete: { pk: String(k.pk), sk: String(k.sk) } })),
    );
    deleted += keys.length;
  }
  return deleted;
}
