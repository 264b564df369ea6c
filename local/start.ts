import { isIP } from 'node:net';
import { PortInUseError } from './errors.js';
import { loadLocalConfig } from './local-config.js';
import type { Runtime } from './runtime.js';
import { startRuntime } from './runtime.js';

/** `npm start`: the whole system on one port, data kept under `.data/` across restarts. */
const started = Date.now();
let runtime: Runtime | undefined;
let closing: Promise<void> | undefined;

/** Closes the runtime (and so DynamoDB Local's Java) once, then exits with `code`. */
function shutdown(code: number): void {
  closing ??= (runtime?.close() ?? Promise.resolve()).catch((error: unknown) => console.error(`error while stopping: ${String(error)}`));
  void closing.then(() => process.exit(code));
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => shutdown(0));
// An unexpected error still stops the children (dynamodb.ts also kills them in its exit hook).
process.once('uncaughtException', (error) => {
  console.error(error);
  shutdown(1);
});

function isLoopback(host: string): boolean {
  if (host === 'localhost' || host === '::1') return true;
  return isIP(host) === 4 && host.startsWith('127.');
}

try {
  const settings = loadLocalConfig(process.env);
  if (!isLoopback(settings.HOST)) {
    console.warn(`warning: HOST=${settings.HOST} is not a loopback address: anyone who can reach port ${settings.PORT} can call the API (tokens still apply)`);
  }
  runtime = await startRuntime({
    port: settings.PORT,
    host: settings.HOST,
    dataDir: settings.DATA_DIR,
    adminToken: settings.ADMIN_TOKEN,
    logLevel: settings.LOG_LEVEL,
    kubeconfig: settings.KUBECONFIG,
    kubernetesSimulator: true,
    localCharts: true,
    kubePort: settings.KUBE_PORT,
    kubeCluster: {
      nodes: settings.KUBE_NODES,
      nodeSize: { cpu: settings.KUBE_NODE_CPU, memory: settings.KUBE_NODE_MEMORY, pods: String(settings.KUBE_NODE_PODS), 'ephemeral-storage': '50Gi' },
      timeScale: settings.KUBE_TIME_SCALE,
    },
    allowLoopbackHttp: settings.ALLOW_LOOPBACK_HTTP === 'true',
    agentHeartbeatSeconds: settings.AGENT_HEARTBEAT_SECONDS,
    ...(settings.PACKAGE_CA_FILE ? { packageCaFile: settings.PACKAGE_CA_FILE } : {}),
  });
  console.log(`control plane listening on ${runtime.url} (ready in ${Date.now() - started} ms)`);
  console.log(`  data: ${settings.DATA_DIR}/   OpenAPI: ${runtime.url}/openapi.json   workflows: ${runtime.url}/local/executions (admin token)`);
  if (runtime.chartRepositoryUrl) console.log(`  chart repository myrepo: ${runtime.chartRepositoryUrl}  (helm repo add myrepo <that URL>)`);
  if (runtime.dynamodbPid !== undefined) console.log(`  DynamoDB Local: pid ${runtime.dynamodbPid}`);
  if (settings.KUBECONFIG) console.log(`  Kubernetes: your cluster (KUBECONFIG=${settings.KUBECONFIG})`);
  else if (runtime.kubeconfig) console.log(`  Kubernetes simulator: export KUBECONFIG=${runtime.kubeconfig}   (helm and kubectl work against it)`);
  if (runtime.generatedAdminToken) {
    console.log(`  first admin token (shown once, store it now): ${runtime.generatedAdminToken}`);
    console.log(`  export TOKEN=${runtime.generatedAdminToken}`);
  } else if (!settings.ADMIN_TOKEN) {
    console.log(`  ${runtime.adminBootstrap}: use an admin's token (or restart with ADMIN_TOKEN=<token> to add an admin)`);
  } else {
    console.log(`  ${runtime.adminBootstrap}`);
  }
} catch (error) {
  // Expected failures are one line; startRuntime has already stopped whatever it had started.
  const oneLine =
    error instanceof PortInUseError || (error instanceof Error && (error.name === 'ConflictError' || error.message.startsWith('invalid environment variable')));
  const message = oneLine ? error.message : undefined;
  console.error(message ? `npm start: ${message}` : error);
  shutdown(1);
}
