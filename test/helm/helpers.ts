import type { KubeConfig } from '@kubernetes/client-node';
import type { TestRuntime, Reply } from '../helpers/runtime.js';
import { startTestRuntime } from '../helpers/runtime.js';
import { TEST_TIME_SCALE } from '../kube/cluster.js';

/** A runtime with a Kubernetes simulator at the test time scale, and the project's charts as `myrepo`. */
export type HelmRuntime = TestRuntime & { kube: () => Promise<KubeConfig>; stop: () => Promise<void> };

export async function startHelmRuntime(): Promise<HelmRuntime> {
  const rt = await startTestRuntime({ kubernetesSimulator: true, kubeCluster: { timeScale: TEST_TIME_SCALE } });
  const { kubeConfigFor } = await import('../../functions/helm/clusters.js');
  return {
    ...rt,
    kube: () => kubeConfigFor('default'),
    stop: () => rt.close(),
  };
}

/** Polls an app's GET until `until` accepts the answer, or fails with the last answer after `timeoutMs`. */
export async function waitForApp(
  rt: TestRuntime,
  path: string,
  until: (data: Record<string, any>) => boolean,
  timeoutMs = 30_000,
): Promise<Record<string, any>> {
  const deadline = Date.now() + timeoutMs;
  let last: Reply | undefined;
  for (;;) {
    last = await rt.call('GET', path);
    if (last.status === 200 && until(last.body.data)) return last.body.data;
    if (Date.now() > deadline) throw new Error(`app at ${path} did not reach the expected state in ${timeoutMs} ms; last answer: ${last.text}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export const settled = (data: Record<string, any>) => data.transitioning !== 'yes';
