import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCluster, type Cluster } from './cluster/index.js';
import type { ClusterSettings } from './cluster/settings.js';
import { restoreCustomTypes } from './crd.js';
import { createKubeHandler } from './handler.js';
import { ResourceRegistry } from './resources.js';
import { KubeRest } from './rest.js';
import { KubeStore } from './store.js';
import { loadOrCreateCredentials } from './tls.js';
import { PortInUseError } from '../errors.js';

export type KubeSimulatorOptions = {
  /** The data folder: state, credentials and the kubeconfig go to `<dataDir>/kube/`. Without it, all is in memory and the kubeconfig in a temp dir. */
  dataDir?: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  host?: string;
  /** How many write events are kept for watch resumption (older resourceVersions get 410 Expired). */
  watchHistory?: number;
  /** Receives one line per request (for debugging a client against the simulator). */
  log?: (line: string) => void;
  /** The simulated cluster's settings (nodes, time scale); see docs/kubernetes-simulator.md. */
  cluster?: Partial<ClusterSettings>;
};

export type KubeSimulator = {
  url: string;
  kubeconfigPath: string;
  caPem: string;
  token: string;
  rest: KubeRest;
  cluster: Cluster;
  close(): Promise<void>;
};

// The namespaces every cluster starts with.
const SYSTEM_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

/** A kubeconfig (JSON is YAML) with the CA, the server URL and the bearer token: all kubectl and helm need. */
function kubeconfigOf(url: string, caPem: string, token: string): string {
  return JSON.stringify(
    {
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'local-kube', cluster: { server: url, 'certificate-authority-data': Buffer.from(caPem).toString('base64') } }],
      users: [{ name: 'local-admin', user: { token } }],
      contexts: [{ name: 'local-kube', context: { cluster: 'local-kube', user: 'local-admin', namespace: 'default' } }],
      'current-context': 'local-kube',
    },
    null,
    2,
  );
}

/**
 * Starts the local Kubernetes API server: HTTPS with its own CA, bearer-token authentication, and
 * a kubeconfig file pointing at it. With `dataDir`, objects, the resourceVersion counter, the CA
 * and the token survive a restart.
 */
export async function startKubeSimulator(options: KubeSimulatorOptions = {}): Promise<KubeSimulator> {
  const kubeDir = options.dataDir ? join(options.dataDir, 'kube') : undefined;
  const credentials = await loadOrCreateCredentials(kubeDir);
  const store = new KubeStore({ dataDir: kubeDir, historyLimit: options.watchHistory });
  const rest = new KubeRest(store, new ResourceRegistry());
  restoreCustomTypes(rest);
  for (const name of SYSTEM_NAMESPACES) {
    if (!store.get({ group: '', plural: 'namespaces', namespace: '', name }))
      rest.create(rest.registry.find('', 'v1', 'namespaces')!, undefined, { metadata: { name } });
  }

  const cluster = startCluster(rest, options.cluster);

  const host = options.host ?? '127.0.0.1';
  let url = '';
  const server = createServer(
    { key: credentials.keyPem, cert: credentials.certPem },
    createKubeHandler({ rest, cluster, token: credentials.token, serverAddress: () => url.replace(/^https:\/\//, ''), log: options.log }),
  );
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'EADDRINUSE' ? new PortInUseError(options.port ?? 0, host, { cause: error, variable: 'KUBE_PORT' }) : error),
    );
    server.listen(options.port ?? 0, host, resolve);
  });
  const { port } = server.address() as AddressInfo;
  url = `https://${host.includes(':') ? `[${host}]` : host}:${port}`;

  const configDir = kubeDir ?? mkdtempSync(join(tmpdir(), 'kube-sim-'));
  mkdirSync(configDir, { recursive: true });
  const kubeconfigPath = join(configDir, 'kubeconfig');
  writeFileSync(kubeconfigPath, kubeconfigOf(url, credentials.caPem, credentials.token), { mode: 0o600 });

  return {
    url,
    kubeconfigPath,
    caPem: credentials.caPem,
    token: credentials.token,
    rest,
    cluster,
    close: async () => {
      cluster.stop();
      // Watches are long-lived requests; without closing their sockets `close` would wait for them.
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      store.close();
    },
  };
}
