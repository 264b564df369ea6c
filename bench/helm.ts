import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startKubeSimulator } from '../local/kube/server.js';
import { startRuntime } from '../local/runtime.js';
import { percentile } from './load.js';

const run = promisify(execFile);
const TOKEN = 'cpt_bench_helm_0123456789abcdef0123456789abcdef';
const SAMPLES = 5;
const CONCURRENT = 20;

const p50 = (values: number[]) =>
  percentile(
    [...values].sort((a, b) => a - b),
    50,
  );
const stats = (values: number[]): string => {
  const sorted = [...values].sort((a, b) => a - b);
  return `p50 ${(percentile(sorted, 50) / 1000).toFixed(2)} s, p99 ${(percentile(sorted, 99) / 1000).toFixed(2)} s (n=${sorted.length})`;
};

/**
 * `samples` bare `helm install --wait` (the real helm's kstatus watcher) of myrepo/podinfo 6.5.4 on
 * the cluster of `kubeconfig`, each in its own namespace: the baseline the API is measured against.
 */
export async function bareHelmInstalls(repoUrl: string, kubeconfig: string, samples: number): Promise<number[]> {
  const home = mkdtempSync(join(tmpdir(), 'bench-helm-'));
  const env = { PATH: process.env.PATH, HOME: home, KUBECONFIG: kubeconfig, KUBECACHEDIR: join(home, 'kube'), HELM_CACHE_HOME: join(home, 'cache') };
  const times: number[] = [];
  for (let i = 0; i < samples; i += 1) {
    const t0 = performance.now();
    const args = [
      'install',
      `bare-${i}`,
      'podinfo',
      '--repo',
      repoUrl,
      '--version',
      '6.5.4',
      '-n',
      `bare-${i}`,
      '--create-namespace',
      '--wait',
      '--timeout',
      '120s',
    ];
    await run(process.env.HELM_BINARY ?? '', args, { env });
    times.push(performance.now() - t0);
  }
  return times;
}

type Call = (method: string, path: string, body?: unknown) => Promise<{ status: number; body: { data: Record<string, any> } }>;

/** Install → settled through the API: POST /v3, then GET every 20 ms until `transitioning` is not `yes`. */
async function apiInstall(call: Call, project: string, name: string): Promise<{ ms: number; state: string; message: string }> {
  const t0 = performance.now();
  const created = await call('POST', `/v3/projects/${project}/app`, {
    name,
    targetNamespace: name,
    externalId: 'catalog://?catalog=myrepo&template=podinfo&version=6.5.4',
  });
  if (created.status !== 201) return { ms: performance.now() - t0, state: `HTTP ${created.status}`, message: JSON.stringify(created.body) };
  for (;;) {
    const app = (await call('GET', `/v3/projects/${project}/app/${name}?targetNamespace=${name}`)).body.data;
    if (app.transitioning !== 'yes') return { ms: performance.now() - t0, state: app.state, message: app.transitioningMessage ?? '' };
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * Helm API figures, in one run on one chart (myrepo/podinfo 6.5.4): install → `active` through the API
 * (a Step Functions execution, helm in its task, readiness polled by the state machine) against a
 * bare `helm install --wait` of the same chart on the same simulator, at two time scales — 1 (a pod
 * pulls for 2 s, starts in 0.5 s, is ready 1 s later) on the default cluster, and 4 (closer to a real
 * pull) on a second simulator registered as cluster `slow`: the API's overhead is a constant (Step
 * Functions, the 1 s poll), so the ratio depends on how long pods take. Then 20 installs at once.
 */
export async function benchHelm(): Promise<string[]> {
  const lines: string[] = [];
  const rt = await startRuntime({
    port: 0,
    adminToken: TOKEN,
    logLevel: 'SILENT',
    kubernetesSimulator: true,
    kubeCluster: { timeScale: 1, nodes: 6 },
    localCharts: true,
  });
  const slow = await startKubeSimulator({ port: 0, cluster: { timeScale: 4, nodes: 6 } });
  const call: Call = async (method, path, body) => {
    const response = await fetch(`${rt.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, body: (await response.json()) as { data: Record<string, any> } };
  };
  try {
    const registered = await call('PUT', '/admin/config', {
      pollSeconds: 1,
      clusters: [{ id: 'slow', kubeconfig: readFileSync(slow.kubeconfigPath, 'utf8') }],
    });
    if (registered.status !== 200) throw new Error(`PUT /admin/config: ${JSON.stringify(registered.body)}`);
    const repoUrl = (await call('GET', '/v1/repos/myrepo')).body.data.url as string;
    for (const [scale, kubeconfig, project] of [
      [1, rt.kubeconfig ?? '', 'bench'],
      [4, slow.kubeconfigPath, 'slow:bench'],
    ] as const) {
      const bare = await bareHelmInstalls(repoUrl, kubeconfig, SAMPLES);
      lines.push(`time scale ${scale}: bare \`helm install --wait\` (kstatus watcher): ${stats(bare)}`);
      for (const stable of scale === 1 ? [0, 5] : [0]) {
        await call('PUT', '/admin/config', { readyStableSeconds: stable });
        const api: number[] = [];
        for (let i = 0; i < SAMPLES; i += 1) {
          const result = await apiInstall(call, project, `api-${stable}-${i}`);
          if (result.state !== 'active') throw new Error(`install ended ${result.state}: ${result.message}`);
          api.push(result.ms);
        }
        const ratio = p50(api) / p50(bare);
        const extra = (p50(api) - p50(bare)) / 1000;
        lines.push(
          `time scale ${scale}: API install → active, pollSeconds 1, readyStableSeconds ${stable}: ${stats(api)} — ${ratio.toFixed(2)}× the bare helm p50 (+${extra.toFixed(2)} s)`,
        );
      }
    }
    await call('PUT', '/admin/config', { readyStableSeconds: null });
    const t0 = performance.now();
    const results = await Promise.all(Array.from({ length: CONCURRENT }, (_, i) => apiInstall(call, 'bench', `many-${i}`)));
    const wall = (performance.now() - t0) / 1000;
    const failed = results.filter((r) => r.state !== 'active');
    const outcome = failed.length === 0 ? 'no failure' : `${failed.length} failed: ${failed.map((f) => `${f.state} ${f.message}`).join('; ')}`;
    lines.push(
      `time scale 1: ${CONCURRENT} concurrent installs (default settings): all settled in ${wall.toFixed(1)} s wall; each ${stats(results.map((r) => r.ms))}; ${outcome}`,
    );
  } finally {
    await slow.close();
    await rt.close();
  }
  return lines;
}
