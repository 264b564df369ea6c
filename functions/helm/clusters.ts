import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { config } from '#shared/config.js';
import { onContainerReset } from '#shared/container-state.js';
import { InternalError, NotFoundError, ServiceUnavailableError } from '#shared/errors.js';
import { getSecret } from '#shared/secrets.js';
import { kubeConfig, NO_DEFAULT_CLUSTER } from './cluster.js';
import { eksAccess } from './eks-auth.js';
import { forgetSettings, getSettings } from './settings.js';

/**
 * Clusters by id: `default` (or no id) is the deployment's own cluster (`cluster.ts`: KUBECONFIG or
 * EKS_CLUSTER_NAME); any other id is one registered through `PUT /admin/config`, by EKS name or by
 * a kubeconfig kept in the secrets store. Connections are built once per container: a registered
 * kubeconfig is read from the secrets store once per upload (each upload has its own secret name),
 * an EKS cluster is described once and its token renewed every 10 minutes (`eks-auth.ts`).
 */
export const DEFAULT_CLUSTER_ID = 'default';

/** A cluster's kubeconfig, what it was built from (to know when a file written from it is stale), and until when it is good. */
type Access = Readonly<{ kubeConfig: KubeConfig; source: string; renewAt: number; text?: string }>;

const fromSecrets = new Map<string, Access>();
const files = new Map<string, { path: string; source: string; renewAt: number }>();
onContainerReset('cluster connections and kubeconfig files', () => {
  fromSecrets.clear();
  files.clear();
});

/** Where kubeconfig files for the helm binary go: `/tmp/kube/<pid>/` (one folder per process, as local test processes share /tmp). */
const KUBE_DIR = join(tmpdir(), 'kube', String(process.pid));

async function defaultAccess(): Promise<Access> {
  if (config.kubeconfig) return { kubeConfig: (await kubeConfig())!, source: `file:${config.kubeconfig}`, renewAt: Infinity };
  if (!config.eksClusterName) throw new ServiceUnavailableError(NO_DEFAULT_CLUSTER);
  const eks = await eksAccess(config.region, config.eksClusterName);
  return { ...eks, source: `eks:${config.region}/${config.eksClusterName}@${eks.renewAt}` };
}

/** The registered cluster `id`; reads the settings again before calling an id unknown (it may have been registered a moment ago). */
async function registered(id: string) {
  const found = (await getSettings()).clusters.find((c) => c.id === id);
  if (found) return found;
  forgetSettings();
  const settings = await getSettings();
  const again = settings.clusters.find((c) => c.id === id);
  if (again) return again;
  const known = [DEFAULT_CLUSTER_ID, ...settings.clusters.map((c) => c.id)].join(', ');
  throw new NotFoundError(`cluster "${id}" is not registered; known clusters: ${known} (an admin registers clusters with PUT /admin/config)`);
}

async function accessFor(clusterId: string | undefined): Promise<Access> {
  const id = clusterId ?? DEFAULT_CLUSTER_ID;
  if (id === DEFAULT_CLUSTER_ID) return defaultAccess();
  const cluster = await registered(id);
  if (cluster.type === 'eks') {
    const region = cluster.region ?? config.region;
    const eks = await eksAccess(region, cluster.eksClusterName);
    return { ...eks, source: `eks:${region}/${cluster.eksClusterName}@${eks.renewAt}` };
  }
  const known = fromSecrets.get(cluster.secret);
  if (known) return known;
  const text = await getSecret(cluster.secret);
  if (text === undefined)
    throw new InternalError(`the kubeconfig of cluster "${id}" is missing from the secrets store; register the cluster again with PUT /admin/config`);
  const kc = new KubeConfig();
  kc.loadFromString(text);
  const access = { kubeConfig: kc, source: `secret:${cluster.secret}`, renewAt: Infinity, text };
  fromSecrets.set(cluster.secret, access);
  return access;
}

/**
 * A `KubeConfig` for a cluster: undefined or `default` → the default cluster; another id → the
 * registered cluster (NotFoundError naming the known ids when there is none; 503 when no default
 * cluster is configured).
 */
export async function kubeConfigFor(clusterId?: string): Promise<KubeConfig> {
  return (await accessFor(clusterId)).kubeConfig;
}

/**
 * A kubeconfig file for the helm binary (`--kubeconfig`): the default cluster's own KUBECONFIG
 * file when it has one, else `/tmp/kube/<pid>/<clusterId>.yaml` (mode 0600), written once per
 * container and rewritten when what it was built from changed (a new upload, a renewed EKS token),
 * so a file handed out is good for at least 5 minutes.
 */
export async function writeKubeconfigFile(clusterId?: string): Promise<string> {
  const id = clusterId ?? DEFAULT_CLUSTER_ID;
  if (id === DEFAULT_CLUSTER_ID && config.kubeconfig) return config.kubeconfig;
  const access = await accessFor(id);
  const written = files.get(id);
  if (written && written.source === access.source && written.renewAt > Date.now()) return written.path;
  mkdirSync(KUBE_DIR, { recursive: true, mode: 0o700 });
  const path = join(KUBE_DIR, `${id}.yaml`);
  // Written beside and renamed: a helm process reading the previous file never sees half of the new one.
  const partial = `${path}.${Date.now()}.tmp`;
  writeFileSync(partial, access.text ?? access.kubeConfig.exportConfig(), { mode: 0o600 });
  renameSync(partial, path);
  files.set(id, { path, source: access.source, renewAt: access.renewAt });
  return path;
}
