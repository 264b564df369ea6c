import type { CeilingResult } from './dynamo-ceiling.js';
import { dynamoCeiling } from './dynamo-ceiling.js';
import type { LoadResult } from './load.js';
import { formatLoad, loadCalls, mergeLoads, percentile } from './load.js';
import { describeSamples, etcdInstalled, etcdRangeLoad, etcdWatchLatency, startEtcd } from './etcd.js';
import { pushLatency } from './push.js';
import type { BenchServer } from './server.js';
import { BENCH_TOKEN, dynamodbEndpointOf, startServer, unitsDuring } from './server.js';

/**
 * Configuration-center figures against `npm start`: configs throughput and latency at 50 clients,
 * publish→notify latency with 200 waiting clients, publishing a 5,000-item namespace, and the
 * DynamoDB units per configs call and per publish.
 */
export async function benchKvconfig(): Promise<string[]> {
  const server = await startServer();
  const lines: string[] = [];
  try {
    const ns = await namespace(server, 'bench', 'app', 'default', 'application');
    for (let i = 0; i < 100; i += 1)
      await server.call('POST', `${ns}/items`, { key: `key.${String(i).padStart(3, '0')}`, value: `value-${i}-${'v'.repeat(100)}` });
    const first = ((await (await server.call('POST', `${ns}/releases`, { operator: 'bench' })).json()) as { data: { release_id: string } }).data.release_id;
    await server.call('POST', `${ns}/items`, { key: 'key.000', value: 'changed' });
    await server.call('POST', `${ns}/releases`, { operator: 'bench' });

    lines.push(...(await configsAgainstCeiling(server, ns)));
    const perCall = async (path: string, calls = 50) => {
      const units = await unitsDuring(server, async () => {
        for (let i = 0; i < calls; i += 1) await (await server.call('GET', path)).arrayBuffer();
      });
      return `${(units.read / calls).toFixed(2)} RCU, ${(units.write / calls).toFixed(2)} WCU`;
    };
    lines.push(`DynamoDB units per configs call (page of 100, incl. the token check): ${await perCall(`${ns}/configs`)}`);
    lines.push(`DynamoDB units per configs call with a releaseKey delta: ${await perCall(`${ns}/configs?releaseKey=${first}`)}`);
    const etag = (await server.call('GET', `${ns}/configs`)).headers.get('etag') ?? '';
    const notModified = await unitsDuring(server, async () => {
      for (let i = 0; i < 50; i += 1) await server.call('GET', `${ns}/configs`, undefined, { 'if-none-match': etag });
    });
    lines.push(`DynamoDB units per configs call answered 304 (If-None-Match): ${(notModified.read / 50).toFixed(2)} RCU`);

    lines.push(...(await notifyLatency(server, ns)));
    lines.push(...(await pushAndEtcd(server)));
    lines.push(...(await bigPublish(server)));
  } finally {
    await server.stop();
  }
  return lines;
}

async function namespace(server: BenchServer, env: string, app: string, cluster: string, name: string): Promise<string> {
  await server.call('POST', `/api/v1/envs/${env}/apps`, { app_name: app });
  await server.call('POST', `/api/v1/envs/${env}/apps/${app}/clusters`, { cluster_name: cluster });
  await server.call('POST', `/api/v1/envs/${env}/apps/${app}/clusters/${cluster}/namespaces`, { namespace_name: name });
  return `/api/v1/envs/${env}/apps/${app}/clusters/${cluster}/namespaces/${name}`;
}

/**
 * `configs` at 50 clients against the ceiling: the same DynamoDB calls a cached `configs` request
 * makes, issued directly with the same client at the same concurrency (`dynamoCeiling`). The two
 * alternate in rounds so that load from elsewhere on the machine weighs on both alike; the ratio of
 * the two throughputs is the figure to watch. Each side runs in one Node process, so CPU per call
 * bounds it: the server's per request, the SDK's own per call in the ceiling (the bench process).
 */
async function configsAgainstCeiling(server: BenchServer, ns: string): Promise<string[]> {
  const rounds = 3;
  const seconds = 4;
  const [, , , , env = '', , app = '', , cluster = '', , namespace = ''] = ns.split('/');
  const ceiling = dynamoCeiling({ endpoint: await dynamodbEndpointOf(server), token: BENCH_TOKEN, namespace: { env, app, cluster, namespace } });
  const configs = (s = seconds) => loadCalls({ concurrency: 50, seconds: s, operation: async () => (await server.get(`${ns}/configs`)) === 200 });
  try {
    // Warm-up of both: the page enters the container's cache, the JITs (Node's and DynamoDB Local's Java) settle.
    await configs(3);
    await ceiling.run({ concurrency: 50, seconds: 3 });
    const api: LoadResult[] = [];
    const direct: CeilingResult[] = [];
    let apiCpuMs = 0;
    let apiUnits = 0;
    let directCpuMs = 0;
    for (let round = 0; round < rounds; round += 1) {
      const cpuBefore = server.cpuMs() ?? NaN;
      let result: LoadResult | undefined;
      apiUnits += (
        await unitsDuring(server, async () => {
          result = await configs();
        })
      ).read;
      apiCpuMs += (server.cpuMs() ?? NaN) - cpuBefore;
      api.push(result!);
      const clientBefore = process.cpuUsage();
      direct.push(await ceiling.run({ concurrency: 50, seconds }));
      const clientUsed = process.cpuUsage(clientBefore);
      directCpuMs += (clientUsed.user + clientUsed.system) / 1000;
    }
    const apiAll = mergeLoads(api);
    const directAll = mergeLoads(direct);
    const directUnits = direct.reduce((sum, r) => sum + r.readUnits, 0);
    const cpu = Number.isNaN(apiCpuMs) ? '' : `, server CPU ${(apiCpuMs / apiAll.requests).toFixed(2)} ms per request`;
    return [
      `${formatLoad('GET configs (100 items of ~110 B, page cached), 50 clients', apiAll)}, ${(apiUnits / apiAll.requests).toFixed(2)} RCU per request${cpu}`,
      `${formatLoad('the same DynamoDB calls alone (head read, token read every 5 s), same client, 50 clients', directAll)}, ${(directUnits / directAll.requests).toFixed(2)} RCU per call, client CPU ${(directCpuMs / directAll.requests).toFixed(2)} ms per call`,
      `configs throughput / DynamoDB-only ceiling: ${(apiAll.throughput / directAll.throughput).toFixed(2)} (${rounds} alternating rounds of ${seconds} s each; goal ≥ 0.8)`,
    ];
  } finally {
    ceiling.close();
  }
}

/** 200 clients long-poll; each publish is timed from its answer to every client's wake-up. */
async function notifyLatency(server: BenchServer, ns: string): Promise<string[]> {
  const clients = 200;
  const rounds = 15;
  const samples: number[] = [];
  const fromSent: number[] = [];
  let key = ((await (await server.call('GET', `${ns}/configs?size=1`)).json()) as { data: { releaseKey: string } }).data.releaseKey;
  let idleUnits = { read: 0, write: 0 };
  for (let round = 0; round < rounds; round += 1) {
    const waiting = Array.from({ length: clients }, () =>
      server
        .call('GET', `${ns}/notifications?releaseKey=${key}&timeout=30`)
        .then(async (r) => ({ at: performance.now(), body: (await r.json()) as { data: { releaseKey: string } } })),
    );
    // Let every client reach the server and settle into its wait before publishing.
    await new Promise((r) => setTimeout(r, 1500));
    if (round === 0) idleUnits = await unitsDuring(server, () => new Promise((r) => setTimeout(r, 2000)));
    const sent = performance.now();
    const reply = (await (await server.call('POST', `${ns}/releases`, { operator: 'bench' })).json()) as { data: { release_id: string } };
    const committed = performance.now();
    key = reply.data.release_id;
    for (const w of await Promise.all(waiting)) {
      if (w.body.data?.releaseKey !== key) throw new Error(`client woke with ${JSON.stringify(w.body)}`);
      samples.push(Math.max(0, w.at - committed));
      fromSent.push(w.at - sent);
    }
  }
  samples.sort((a, b) => a - b);
  fromSent.sort((a, b) => a - b);
  return [
    `publish→notify latency, ${clients} waiting clients × ${rounds} publishes (from the publish's answer): p50 ${percentile(samples, 50).toFixed(0)} ms, p99 ${percentile(samples, 99).toFixed(0)} ms (from the publish request sent: p50 ${percentile(fromSent, 50).toFixed(0)} ms, p99 ${percentile(fromSent, 99).toFixed(0)} ms)`,
    `DynamoDB reads while ${clients} clients wait on one namespace in one process: ${(idleUnits.read / 2).toFixed(1)} RCU/s in total (the poll is shared per namespace per process; in Lambda each waiting client is its own container: ≤ 1 RCU/s each)`,
  ];
}

/**
 * Push against etcd's watch, in the same run: 1,000 push subscribers on one namespace, and etcd with
 * 1,000 and 200 watchers on one key (200 is the long poll's figure above); plus etcd's range of the
 * same 100 keys a configs page holds.
 */
async function pushAndEtcd(server: BenchServer): Promise<string[]> {
  const path = await namespace(server, 'bench', 'push', 'default', 'application');
  await server.call('POST', `${path}/items`, { key: 'k', value: 'v' });
  await server.call('POST', `${path}/releases`, { operator: 'bench' });
  const push = await pushLatency(server, { env: 'bench', app: 'push', cluster: 'default', namespace: 'application', path }, 1000, 10);
  const lines = [`publish→notify latency by push, 1,000 subscribers × 10 publishes (from the publish's answer): ${describeSamples(push)}`];
  if (!etcdInstalled()) return [...lines, 'etcd: not installed (apt-get install etcd-server), side-by-side figures skipped'];
  const etcd = await startEtcd();
  try {
    const watch1000 = await etcdWatchLatency(etcd, 1000, 10);
    const watch200 = await etcdWatchLatency(etcd, 200, 15);
    lines.push(
      `etcd watch, 1,000 watchers × 10 puts (from the put's answer): ${describeSamples(watch1000)} — push p50 is ${(percentile(push, 50) / Math.max(1, percentile(watch1000, 50))).toFixed(1)}× etcd's`,
    );
    lines.push(`etcd watch, 200 watchers × 15 puts: ${describeSamples(watch200)}`);
    lines.push(await etcdRangeLoad(etcd));
  } finally {
    await etcd.stop();
  }
  return lines;
}

/** Seeds a 5,000-item namespace (every 100th value 64 KiB) and times its publish. */
async function bigPublish(server: BenchServer): Promise<string[]> {
  const ns = await namespace(server, 'bench', 'big', 'default', 'application');
  let next = 0;
  const seedStart = performance.now();
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (next < 5000) {
        const i = next++;
        const value = i % 100 === 0 ? 'x'.repeat(64 * 1024) : `value-${i}`;
        await (await server.call('POST', `${ns}/items`, { key: `item.${String(i).padStart(4, '0')}`, value })).arrayBuffer();
      }
    }),
  );
  const seedMs = performance.now() - seedStart;
  let publishMs = 0;
  const units = await unitsDuring(server, async () => {
    const t0 = performance.now();
    const reply = await server.call('POST', `${ns}/releases`, { operator: 'bench' });
    publishMs = performance.now() - t0;
    if (reply.status !== 200) throw new Error(`publish failed: ${reply.status}`);
  });
  const setUnits = await unitsDuring(server, async () => {
    for (let i = 0; i < 20; i += 1) await server.call('POST', `${ns}/items`, { key: `item.${String(i * 7).padStart(4, '0')}`, value: 'changed' });
  });
  const pageUnits = await unitsDuring(server, async () => {
    await (await server.call('GET', `${ns}/configs?page=5&size=500`)).arrayBuffer();
  });
  return [
    `seeding 5,000 items through the API (16 clients): ${(seedMs / 1000).toFixed(1)} s (${(5000 / (seedMs / 1000)).toFixed(0)} sets/s)`,
    `publish of a 5,000-item namespace: ${publishMs.toFixed(0)} ms, ${units.read.toFixed(1)} RCU + ${units.write.toFixed(1)} WCU`,
    `DynamoDB units per item set (replace, incl. the token check): ${(setUnits.read / 20).toFixed(2)} RCU + ${(setUnits.write / 20).toFixed(2)} WCU`,
    `DynamoDB units for one configs page of 500 items of the 5,000-item release: ${pageUnits.read.toFixed(1)} RCU`,
  ];
}
