import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startRuntime } from '../local/runtime.js';
import { percentile } from './load.js';

const run = promisify(execFile);
const TOKEN = 'cpt_bench_helm_0123456789abcdef0123456789abcdef';
/** Real durations (a pod pulls for 2 s, starts in 0.5 s): readiness polling is measured against pods that take time. */
const TIME_SCALE = 1;
const SAMPLES = 5;
const CONCURRENT = 20;

const stats = (values: number[]): string => {
  const sorted = [...values].sort((a, b) => a - b);
  return `p50 ${(percentile(sorted, 50) / 1000).toFixed(2)} s, p99 ${(percentile(sorted, 99) / 1000).toFixed(2)} s (n=${sorted.length})`;
};

/**
 * Helm API figures, in one run on one simulator and one chart (myrepo/podinfo 6.5.4): install →
 * `active` through the API (a Step Functions execution, helm in the task, readiness polled by the
 * state machine) against a bare `helm install --wait` of the same chart; then 20 installs at once.
 */
export async function benchHelm(): Promise<string[]> {
  const lines: string[] = [];
  const rt = await startRuntime({
    port: 0,
    adminToken: TOKEN,
    logLevel: 'SILENT',
    kubernetesSimulator: true,
    kubeCluster: { timeScale: TIME_SCALE, nodes: 6 },
    localCharts: true,
  });
  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${rt.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, body: (await response.json()) as { data: Record<string, any> } };
  };
  const home = mkdtempSync(join(tmpdir(), 'bench-helm-'));
  const env = { PATH: process.env.PATH, HOME: home, KUBECONFIG: rt.kubeconfig, KUBECACHEDIR: join(home, 'kube'), HELM_CACHE_HOME: join(home, 'cache') };
  const repoUrl = (await call('GET', '/v1/repos/myrepo')).body.data.url as string;
  const helm = (args: string[]) => run(process.env.HELM_BINARY ?? '', args, { env });

  const install = async (name: string, namespace: string): Promise<{ ms: number; state: string; message: string }> => {
    const t0 = performance.now();
    const created = await call('POST', '/v3/projects/bench/app', {
      name,
      targetNamespace: namespace,
      externalId: 'catalog://?catalog=myrepo&template=podinfo&version=6.5.4',
    });
    if (created.status !== 201) return { ms: performance.now() - t0, state: `HTTP ${created.status}`, message: JSON.stringify(created.body) };
    for (;;) {
      const app = (await call('GET', `/v3/projects/bench/app/${name}?targetNamespace=${namespace}`)).body.data;
      if (app.transitioning !== 'yes') return { ms: performance.now() - t0, state: app.state, message: app.transitioningMessage ?? '' };
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  try {
    const bare: number[] = [];
    for (let i = 0; i < SAMPLES; i += 1) {
      const t0 = performance.now();
      await helm([
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
      ]);
      bare.push(performance.now() - t0);
    }
    lines.push(`bare \`helm install --wait\` (kstatus watcher) of myrepo/podinfo 6.5.4, time scale ${TIME_SCALE}: ${stats(bare)}`);

    for (const stable of [0, 5]) {
      const put = await call('PUT', '/admin/config', { pollSeconds: 1, readyStableSeconds: stable });
      if (put.status !== 200) throw new Error(`PUT /admin/config: ${JSON.stringify(put.body)}`);
      const api: number[] = [];
      for (let i = 0; i < SAMPLES; i += 1) {
        const result = await install(`api-${stable}-${i}`, `api-${stable}-${i}`);
        if (result.state !== 'active') throw new Error(`install ended ${result.state}: ${result.message}`);
        api.push(result.ms);
      }
      const ratio =
        percentile(
          [...api].sort((a, b) => a - b),
          50,
        ) /
        percentile(
          [...bare].sort((a, b) => a - b),
          50,
        );
      lines.push(
        `API install → active (POST /v3, poll GET every 20 ms), pollSeconds 1, readyStableSeconds ${stable}: ${stats(api)} — ${ratio.toFixed(2)}× the bare helm p50`,
      );
    }

    const t0 = performance.now();
    const results = await Promise.all(Array.from({ length: CONCURRENT }, (_, i) => install(`many-${i}`, `many-${i}`)));
    const wall = (performance.now() - t0) / 1000;
    const failed = results.filter((r) => r.state !== 'active');
    lines.push(
      `${CONCURRENT} concurrent installs (readyStableSeconds 5): all settled in ${wall.toFixed(1)} s wall; each ${stats(results.map((r) => r.ms))}; ${
        failed.length === 0 ? 'no failure' : `${failed.length} failed: ${failed.map((f) => `${f.state} ${f.message}`).join('; ')}`
      }`,
    );
  } finally {
    await rt.close();
  }
  return lines;
}
