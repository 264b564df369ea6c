import { loadLocalConfig } from './local-config.js';
import { startRuntime } from './runtime.js';

/** `npm start`: the whole system on one port, data kept under `.data/` across restarts. */
const started = Date.now();
const settings = loadLocalConfig(process.env);
const runtime = await startRuntime({
  port: settings.PORT,
  host: settings.HOST,
  dataDir: settings.DATA_DIR,
  adminToken: settings.ADMIN_TOKEN,
  logLevel: settings.LOG_LEVEL,
  kubeconfig: settings.KUBECONFIG,
  allowLoopbackHttp: settings.ALLOW_LOOPBACK_HTTP === 'true',
  agentHeartbeatSeconds: settings.AGENT_HEARTBEAT_SECONDS,
  ...(settings.PACKAGE_CA_FILE ? { packageCaFile: settings.PACKAGE_CA_FILE } : {}),
});

console.log(`control plane listening on ${runtime.url} (ready in ${Date.now() - started} ms)`);
console.log(`  data: ${settings.DATA_DIR}/   OpenAPI: ${runtime.url}/openapi.json   workflows: ${runtime.url}/local/executions`);
if (runtime.generatedAdminToken) {
  console.log(`  first admin token (shown once, store it now): ${runtime.generatedAdminToken}`);
} else if (!settings.ADMIN_TOKEN) {
  console.log('  an admin already exists; use its token (or restart with ADMIN_TOKEN=<token> to add one)');
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void runtime.close().then(() => process.exit(0));
  });
}
