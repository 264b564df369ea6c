/**
 * Run as a child process by watch.test.ts and push.test.ts: starts a ConfigClient, waits until it
 * watches, closes it, and then does nothing, so the process exits by itself only if close() left
 * no timer, socket or request behind. Settings come from the environment (PROBE_*).
 */
import { ConfigClient } from '../../client/src/index.js';

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
};

const client = new ConfigClient({
  baseUrl: env('PROBE_BASE_URL'),
  token: env('PROBE_TOKEN'),
  env: 'pro',
  appId: env('PROBE_APP'),
  push: process.env.PROBE_PUSH !== 'false',
  ...(process.env.PROBE_PUSH_URL ? { pushUrl: process.env.PROBE_PUSH_URL } : {}),
});
await client.start();
const wanted = env('PROBE_TRANSPORT');
const deadline = Date.now() + 20_000;
while (client.transport !== wanted) {
  if (Date.now() > deadline) throw new Error(`transport stayed ${client.transport}, wanted ${wanted}`);
  await new Promise((next) => setTimeout(next, 10));
}
// `poll`: every namespace's long poll is in flight; `push`: the connection is subscribed and pinging.
await client.close();
console.log(`closed ${client.transport}`);
// What is still open once the current callbacks ran; the parent prints it when the process hangs.
setImmediate(() => console.log(`resources ${JSON.stringify(process.getActiveResourcesInfo())}`));
