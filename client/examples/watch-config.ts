/**
 * Loads a namespace, prints two typed values, and prints every change until Ctrl-C. Run it against
 * `npm start` (docs/kvconfig-client.md): `node --import tsx client/examples/watch-config.ts`.
 * Settings: API (default http://127.0.0.1:8080), TOKEN (a config-client token), and the namespace's
 * ENV, APP, CLUSTER, NAMESPACE (default dev / slimstor / shenzhen / default).
 */
import { ConfigClient } from '../src/index.js';

const token = process.env.TOKEN;
if (!token) throw new Error('set TOKEN to a config-client (or admin) token');

const client = new ConfigClient({
  baseUrl: process.env.API ?? 'http://127.0.0.1:8080',
  token,
  env: process.env.ENV ?? 'dev',
  appId: process.env.APP ?? 'slimstor',
  clusterName: process.env.CLUSTER ?? 'shenzhen',
  namespaces: [process.env.NAMESPACE ?? 'default'],
  // Lets the application start from its last known configuration when the server is down.
  cacheDir: process.env.CACHE_DIR ?? '.data/config-cache',
});

client.onChange(({ namespace, releaseKey, changes }) => {
  console.log(`${namespace} is now ${releaseKey}`);
  for (const [key, change] of Object.entries(changes)) console.log(`  ${change.type} ${key}: ${change.old ?? '∅'} → ${change.new ?? '∅'}`);
});
client.onError((error) => console.warn(`config client: ${error.message} (retrying)`));

await client.start();
const config = client.namespace(process.env.NAMESPACE ?? 'default');
console.log(`loaded ${config.name} ${config.releaseKey} from the ${config.source}`);
console.log(`database.host = ${config.getString('database.host', 'localhost')}`);
console.log(`database.port = ${config.getNumber('database.port', 3306)}`);

// close() stops every timer and connection, so the process then exits by itself.
process.once('SIGINT', () => void client.close().then(() => console.log('closed')));
