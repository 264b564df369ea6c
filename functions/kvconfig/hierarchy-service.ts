import { nowIso } from '#shared/ids.js';
import { randomUUID } from 'node:crypto';
import type { NamespacePath } from './keys.js';
import { AlreadyExistsError, ConfigNotFoundError, HasChildrenError } from './errors.js';
import * as store from './store/hierarchy.js';
import { purgeNamespaceData } from './store/purge.js';
import type { AppRecord, ClusterRecord, NamespaceRecord } from './store/records.js';

/**
 * Envs, apps, clusters and namespaces. An env exists once an app has been created in it (its app
 * counter item); unknown levels are 404s that name the first missing level.
 */

export type AppView = Pick<AppRecord, 'app_name' | 'description' | 'create_time' | 'update_time'>;
export type ClusterView = Pick<ClusterRecord, 'app_name' | 'cluster_name' | 'description' | 'create_time' | 'update_time'>;
export type NamespaceView = Pick<NamespaceRecord, 'namespace_name' | 'description' | 'app_name' | 'cluster_name' | 'create_time' | 'update_time'>;

export const appView = ({ app_name, description, create_time, update_time }: AppRecord): AppView => ({ app_name, description, create_time, update_time });
export const clusterView = ({ app_name, cluster_name, description, create_time, update_time }: ClusterRecord): ClusterView => ({
  app_name,
  cluster_name,
  description,
  create_time,
  update_time,
});
export const namespaceView = ({ namespace_name, description, app_name, cluster_name, create_time, update_time }: NamespaceRecord): NamespaceView => ({
  namespace_name,
  description,
  app_name,
  cluster_name,
  create_time,
  update_time,
});

async function requireEnv(env: string): Promise<void> {
  if (!(await store.envExists(env))) throw new ConfigNotFoundError('env', env);
}

export async function requireApp(env: string, app: string): Promise<AppRecord> {
  const record = await store.getApp(env, app);
  if (record) return record;
  await requireEnv(env);
  throw new ConfigNotFoundError('app', app);
}

export async function requireCluster(env: string, app: string, cluster: string): Promise<ClusterRecord> {
  const record = await store.getCluster(env, app, cluster);
  if (record) return record;
  await requireApp(env, app);
  throw new ConfigNotFoundError('cluster', cluster);
}

/** The namespace, or a 404 naming the first missing level (one read when it exists). */
export async function requireNamespace(p: NamespacePath, consistent = true): Promise<NamespaceRecord> {
  const record = await store.getNamespace(p, consistent);
  if (record) return record;
  await requireCluster(p.env, p.app, p.cluster);
  throw new ConfigNotFoundError('namespace', p.namespace);
}

export async function createApp(env: string, app: string, description: string): Promise<AppView> {
  const now = nowIso();
  const record: AppRecord = { app_name: app, description, create_time: now, update_time: now, cluster_count: 0 };
  if ((await store.createApp(env, record)) === 'exists') throw new AlreadyExistsError('app', app);
  return appView(record);
}

export async function listApps(env: string, page: number, size: number): Promise<{ apps: AppView[]; total: number }> {
  await requireEnv(env);
  const [total, apps] = await Promise.all([store.countApps(env), store.listApps(env, (page - 1) * size, size)]);
  return { apps: apps.map(appView), total };
}

export async function updateApp(env: string, app: string, description: string | undefined): Promise<AppView> {
  const current = await requireApp(env, app);
  if (description === undefined) return appView(current);
  const updated = await store.updateApp(env, app, description, nowIso());
  if (!updated) throw new ConfigNotFoundError('app', app);
  return appView(updated);
}

export async function deleteApp(env: string, app: string, force: boolean): Promise<void> {
  const record = await requireApp(env, app);
  if (force) for (const cluster of await store.allClusterNames(env, app)) await deleteCluster(env, app, cluster, true);
  const outcome = await store.removeApp(env, app, force);
  if (outcome === 'missing') throw new ConfigNotFoundError('app', app);
  if (outcome === 'has-children') throw new HasChildrenError('app', app, 'clusters', record.cluster_count);
}

export async function createCluster(env: string, app: string, cluster: string, description: string): Promise<ClusterView> {
  await requireApp(env, app);
  const now = nowIso();
  const record: ClusterRecord = { app_name: app, cluster_name: cluster, description, create_time: now, update_time: now, namespace_count: 0 };
  const outcome = await store.createCluster(env, record);
  if (outcome === 'exists') throw new AlreadyExistsError('cluster', cluster);
  if (outcome === 'no-parent') throw new ConfigNotFoundError('app', app);
  return clusterView(record);
}

export async function listClusters(env: string, app: string, page: number, size: number): Promise<{ clusters: ClusterView[]; total: number }> {
  const parent = await requireApp(env, app);
  const clusters = await store.listClusters(env, app, (page - 1) * size, size);
  return { clusters: clusters.map(clusterView), total: parent.cluster_count };
}

export async function deleteCluster(env: string, app: string, cluster: string, force: boolean): Promise<void> {
  const record = await requireCluster(env, app, cluster);
  if (force) {
    for (const ns of await store.allNamespaces(env, app, cluster)) await deleteNamespace({ env, app, cluster, namespace: ns.namespace_name }, true);
  }
  const outcome = await store.removeCluster(env, app, cluster, force);
  if (outcome === 'missing') throw new ConfigNotFoundError('cluster', cluster);
  if (outcome === 'has-children') throw new HasChildrenError('cluster', cluster, 'namespaces', record.namespace_count);
}

export async function createNamespace(p: NamespacePath, description: string): Promise<NamespaceView> {
  await requireCluster(p.env, p.app, p.cluster);
  const now = nowIso();
  const record: NamespaceRecord = {
    app_name: p.app,
    cluster_name: p.cluster,
    namespace_name: p.namespace,
    description,
    create_time: now,
    update_time: now,
    uid: randomUUID(),
    item_count: 0,
    history_count: 0,
    latest_seq: 0,
  };
  const outcome = await store.createNamespace(p.env, record);
  if (outcome === 'exists') throw new AlreadyExistsError('namespace', p.namespace);
  if (outcome === 'no-parent') throw new ConfigNotFoundError('cluster', p.cluster);
  return namespaceView(record);
}

export async function listNamespaces(
  env: string,
  app: string,
  cluster: string,
  page: number,
  size: number,
): Promise<{ namespaces: NamespaceView[]; total: number }> {
  const parent = await requireCluster(env, app, cluster);
  const namespaces = await store.listNamespaces(env, app, cluster, (page - 1) * size, size);
  return { namespaces: namespaces.map(namespaceView), total: parent.namespace_count };
}

/**
 * Deletes a namespace. Without `force` it must hold no items, no releases and no gray release (409 otherwise). Its
 * data is keyed by its uid, so it is invisible the moment the namespace item is gone; the purge
 * that follows frees the storage.
 */
export async function deleteNamespace(p: NamespacePath, force: boolean): Promise<void> {
  const record = await requireNamespace(p);
  const outcome = await store.removeNamespace(p, force);
  if (outcome === 'missing') throw new ConfigNotFoundError('namespace', p.namespace);
  if (outcome === 'has-children') {
    const what =
      record.item_count > 0
        ? (['items', record.item_count] as const)
        : record.latest_seq > 0
          ? (['releases', record.latest_seq] as const)
          : (['gray release', 1] as const);
    throw new HasChildrenError('namespace', p.namespace, what[0], what[1]);
  }
  await purgeNamespaceData(record.uid);
}
