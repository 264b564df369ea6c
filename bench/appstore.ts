import { startRuntime } from '../local/runtime.js';
import { bareHelmInstalls } from './helm.js';
import { percentile } from './load.js';

const TOKEN = 'cpt_bench_store_0123456789abcdef0123456789abcdef';
const SAMPLES = 5;
const HEADERS = { Version: '1.0', Language: 'en-US' };

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
 * App store figures, in one run on one simulator (time scale 1): `AppInstall` of podinfo 6.5.4 until
 * `AppStatus` says `30`, against a bare `helm install --wait` of the same chart and version from the
 * same repository. The store's install adds the capacity check (a `helm template`), the credentials
 * and the Helm API's workflow with its readiness polling.
 */
export async function benchAppStore(): Promise<string[]> {
  const lines: string[] = [];
  const rt = await startRuntime({
    port: 0,
    adminToken: TOKEN,
    logLevel: 'SILENT',
    kubernetesSimulator: true,
    kubeCluster: { timeScale: 1, nodes: 6 },
    localCharts: true,
  });
  const call = async (path: string, body: unknown) => {
    const response = await fetch(`${rt.url}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', ...HEADERS },
      body: JSON.stringify(body),
    });
    return (await response.json()) as { ResponseData: Record<string, any> };
  };
  try {
    const repoUrl = ((await (await fetch(`${rt.url}/v1/repos/myrepo`, { headers: { authorization: `Bearer ${TOKEN}` } })).json()) as { data: { url: string } })
      .data.url;
    const bare = await bareHelmInstalls(repoUrl, rt.kubeconfig ?? '', SAMPLES);
    lines.push(`bare \`helm install --wait\` of myrepo/podinfo 6.5.4, time scale 1: ${stats(bare)}`);
    const store: number[] = [];
    const seen: string[] = [];
    for (let i = 0; i < SAMPLES; i += 1) {
      const t0 = performance.now();
      const installed = await call('/AppInstall', { app_name: 'podinfo', customer_app_name: `web${i}`, app_version: '6.5.4' });
      if (installed.ResponseData.app_id !== `web${i}`) throw new Error(JSON.stringify(installed));
      const codes: string[] = [];
      for (;;) {
        const status = (await call('/AppStatus', { app_id: `web${i}` })).ResponseData;
        if (codes.at(-1) !== status.status_code) codes.push(status.status_code);
        if (status.status_code === '30') break;
        if (status.status_code === '50') throw new Error(`web${i}: ${status.status_reason}`);
        await new Promise((r) => setTimeout(r, 20));
      }
      store.push(performance.now() - t0);
      seen.push(codes.join('→'));
    }
    lines.push(
      `AppInstall → AppStatus 30 (local defaults: pollSeconds 1, readyStableSeconds 1): ${stats(store)} — ${(p50(store) / p50(bare)).toFixed(2)}× the bare helm p50; codes seen: ${[...new Set(seen)].join(', ')}`,
    );
  } finally {
    await rt.close();
  }
  return lines;
}
