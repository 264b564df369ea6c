import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { ensureLayerBinary } from '../local/helm-binary.js';
import { startTestCluster, TEST_TIME_SCALE, type TestCluster } from '../test/kube/cluster.js';
import { webChart } from '../test/kube/charts.js';
import { percentile } from './load.js';

const run = promisify(execFile);
const RELEASES = 200;
const REPLICAS = 5;
const INSTALL_CONCURRENCY = 4;
const WAITED_INSTALLS = 5;
const SAMPLES = 50;

const ms = (values: number[]): string => {
  const sorted = [...values].sort((a, b) => a - b);
  return `p50 ${percentile(sorted, 50).toFixed(1)} ms, p99 ${percentile(sorted, 99).toFixed(1)} ms (n=${sorted.length})`;
};
const mib = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(0)} MiB`;

async function timed(action: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await action();
  return performance.now() - t0;
}

/** Time from a write to its watch event, over one long-lived watch of every pod. */
async function watchLatency(cluster: TestCluster, pods: { namespace: string; name: string }[]): Promise<number[]> {
  const list = (await (await cluster.api('/api/v1/pods?limit=1')).json()) as { metadata: { resourceVersion: string } };
  const response = await cluster.api(`/api/v1/pods?watch=1&resourceVersion=${list.metadata.resourceVersion}`);
  const reader = response.body!.getReader();
  const waiting = new Map<string, () => void>();
  let buffer = '';
  const pump = (async () => {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += Buffer.from(value).toString('utf8');
      for (let newline = buffer.indexOf('\n'); newline >= 0; newline = buffer.indexOf('\n')) {
        const event = JSON.parse(buffer.slice(0, newline)) as { object: { metadata: { name: string; labels?: Record<string, string> } } };
        buffer = buffer.slice(newline + 1);
        waiting.get(`${event.object.metadata.name}/${event.object.metadata.labels?.bench ?? ''}`)?.();
      }
    }
  })();
  const latencies: number[] = [];
  for (let i = 0; i < SAMPLES; i += 1) {
    const pod = pods[i % pods.length]!;
    const seen = new Promise<void>((done) => waiting.set(`${pod.name}/n${i}`, done));
    const t0 = performance.now();
    await cluster.api(`/api/v1/namespaces/${pod.namespace}/pods/${pod.name}`, {
      method: 'PATCH',
      headers: { 'Content-Type': 'application/merge-patch+json' },
      body: JSON.stringify({ metadata: { labels: { bench: `n${i}` } } }),
    });
    await seen;
    latencies.push(performance.now() - t0);
  }
  await reader.cancel();
  await pump.catch(() => undefined);
  return latencies;
}

/**
 * Kubernetes simulator figures (in this process, test time scale): `helm install --wait` of the
 * small web chart (the baseline the Helm API is measured against), then 200 releases of 5 pods each
 * on 10 nodes — memory, list latency and watch latency at that size.
 */
export async function benchKube(): Promise<string[]> {
  const lines: string[] = [];
  const helmPath = ensureLayerBinary(resolve('node_modules', '.cache', 'control-plane'), 'helm');
  const cluster = await startTestCluster({ cluster: { nodes: 10 } });
  const helm = (args: string[]) => run(helmPath, args, { env: cluster.env });
  const chart = webChart();
  try {
    const waited: number[] = [];
    for (let i = 0; i < WAITED_INSTALLS; i += 1) waited.push(await timed(() => helm(['install', `waited-${i}`, chart, '--wait', '--timeout', '60s'])));
    lines.push(`helm install --wait of the web chart (Deployment of 2 + Service), time scale ${TEST_TIME_SCALE}: ${ms(waited)}`);
    const plain: number[] = [];
    for (let i = 0; i < WAITED_INSTALLS; i += 1) plain.push(await timed(() => helm(['install', `plain-${i}`, chart])));
    lines.push(`helm install (default wait: hooks only) of the same chart: ${ms(plain)}`);
    for (let i = 0; i < WAITED_INSTALLS; i += 1) await helm(['uninstall', `waited-${i}`]).then(() => helm(['uninstall', `plain-${i}`]));

    const baseline = process.memoryUsage();
    const t0 = performance.now();
    const queue = Array.from({ length: RELEASES }, (_, i) => i);
    await Promise.all(
      Array.from({ length: INSTALL_CONCURRENCY }, async () => {
        for (let i = queue.shift(); i !== undefined; i = queue.shift())
          await helm([
            'install',
            `rel-${i}`,
            chart,
            '-n',
            `ns-${i}`,
            '--create-namespace',
            '--set',
            `replicas=${REPLICAS}`,
            '--set',
            'memory=8Mi',
            '--set',
            'cpu=10m',
          ]);
      }),
    );
    const installSeconds = (performance.now() - t0) / 1000;
    const readyPods = async (): Promise<number> => {
      const pods = (await (await cluster.api('/api/v1/pods?labelSelector=app')).json()) as {
        items: { status: { conditions?: { type: string; status: string }[] } }[];
      };
      return pods.items.filter((p) => p.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')).length;
    };
    while ((await readyPods()) < RELEASES * REPLICAS) await new Promise((r) => setTimeout(r, 500));
    const settledSeconds = (performance.now() - t0) / 1000;
    global.gc?.();
    const loaded = process.memoryUsage();
    const objects = [...cluster.rest.store.entries()].length;
    lines.push(
      `${RELEASES} releases × ${REPLICAS} pods installed (helm, ${INSTALL_CONCURRENCY} at a time) in ${installSeconds.toFixed(1)} s; all ${RELEASES * REPLICAS} pods Ready after ${settledSeconds.toFixed(1)} s`,
    );
    lines.push(`store at that size: ${objects} objects (events included), resourceVersion ${cluster.rest.store.resourceVersion}`);
    lines.push(
      `memory (whole process: simulator + bench): heap ${mib(baseline.heapUsed)} → ${mib(loaded.heapUsed)}, rss ${mib(baseline.rss)} → ${mib(loaded.rss)}`,
    );

    const sample = async (path: string): Promise<number[]> => {
      const out: number[] = [];
      for (let i = 0; i < 20; i += 1) out.push(await timed(async () => (await cluster.api(path)).arrayBuffer()));
      return out;
    };
    lines.push(`list all ${RELEASES * REPLICAS} pods (GET /api/v1/pods): ${ms(await sample('/api/v1/pods'))}`);
    lines.push(
      `list one release's pods by label (GET /api/v1/namespaces/ns-7/pods?labelSelector=app=rel-7): ${ms(await sample('/api/v1/namespaces/ns-7/pods?labelSelector=app%3Drel-7'))}`,
    );
    lines.push(`list helm's release Secrets across namespaces (labelSelector=owner=helm): ${ms(await sample('/api/v1/secrets?labelSelector=owner%3Dhelm'))}`);
    const podList = (await (await cluster.api('/api/v1/pods?labelSelector=app')).json()) as { items: { metadata: { namespace: string; name: string } }[] };
    lines.push(
      `watch latency (merge patch of a pod → its MODIFIED event on a watch of all pods): ${ms(
        await watchLatency(
          cluster,
          podList.items.map((p) => p.metadata),
        ),
      )}`,
    );
    const list = await timed(() => helm(['list', '-A', '--max', '0']));
    lines.push(`helm list -A over ${RELEASES} releases: ${list.toFixed(0)} ms`);
  } finally {
    await cluster.stop();
  }
  return lines;
}
