import type { TestRuntime } from '../helpers/runtime.js';

/** Paths of the configuration center for a namespace. */
export function kvPaths(env: string, app: string, cluster: string, namespace: string) {
  const appPath = `/api/v1/envs/${env}/apps/${app}`;
  const clusterPath = `${appPath}/clusters/${cluster}`;
  const ns = `${clusterPath}/namespaces/${namespace}`;
  return {
    apps: `/api/v1/envs/${env}/apps`,
    app: appPath,
    clusters: `${appPath}/clusters`,
    cluster: clusterPath,
    namespaces: `${clusterPath}/namespaces`,
    ns,
    items: `${ns}/items`,
    releases: `${ns}/releases`,
    configs: `${ns}/configs`,
    notifications: `${ns}/notifications`,
    history: `${ns}/history`,
  };
}

/** Creates env/app/cluster/namespace (tolerating what exists) and returns its paths. */
export async function createNamespace(rt: TestRuntime, env: string, app: string, cluster = 'default', namespace = 'application') {
  const p = kvPaths(env, app, cluster, namespace);
  const steps = [
    await rt.call('POST', p.apps, { body: { app_name: app, description: 'test app' } }),
    await rt.call('POST', p.clusters, { body: { cluster_name: cluster } }),
    await rt.call('POST', p.namespaces, { body: { namespace_name: namespace, description: 'test namespace' } }),
  ];
  for (const step of steps) if (step.status !== 200 && step.status !== 409) throw new Error(`setup failed: ${step.status} ${step.text}`);
  return p;
}
