import { execFileSync } from 'node:child_process';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { KubeConfig } from '@kubernetes/client-node';
import { ensureHelmBinary } from '../../local/helm-binary.js';
import type { TestRuntime, Reply } from '../helpers/runtime.js';
import { startTestRuntime } from '../helpers/runtime.js';
import { TEST_TIME_SCALE } from '../kube/cluster.js';
import { writeChart } from '../kube/charts.js';

/** A runtime with a Kubernetes simulator at the test time scale, and `myrepo` registered. */
export type HelmRuntime = TestRuntime & { kube: () => Promise<KubeConfig>; stop: () => Promise<void> };

const podinfoDeployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}
  labels: {app.kubernetes.io/instance: {{ .Release.Name }}, app.kubernetes.io/name: podinfo}
spec:
  replicas: {{ .Values.replicaCount }}
  selector:
    matchLabels: {app.kubernetes.io/instance: {{ .Release.Name }}}
  template:
    metadata:
      labels: {app.kubernetes.io/instance: {{ .Release.Name }}, app.kubernetes.io/name: podinfo}
    spec:
      containers:
      - name: podinfo
        image: "{{ .Values.image.repository }}:{{ .Values.image.tag }}"
        resources: {requests: {cpu: 10m, memory: {{ .Values.memory }}}}
`;

/** Until the repository helper lands: a chart server with podinfo 6.5.4 and 6.5.5 (TEMPORARY). */
function demoRepo(): Promise<{ url: string; server: Server }> {
  const helm = ensureHelmBinary(resolve('node_modules', '.cache', 'control-plane'));
  const dir = mkdtempSync(join(tmpdir(), 'helm-repo-'));
  for (const version of ['6.5.4', '6.5.5']) {
    const chart = writeChart('podinfo', `replicaCount: 2\nmemory: 32Mi\nimage: {repository: ghcr.io/stefanprodan/podinfo, tag: "${version}"}\n`, {
      'deployment.yaml': podinfoDeployment,
    });
    execFileSync('sed', ['-i', `s/version: 0.1.0/version: ${version}/`, join(chart, 'Chart.yaml')]);
    execFileSync(helm, ['package', chart, '-d', dir]);
  }
  const server = createServer((req, res) => {
    try {
      res.end(readFileSync(join(dir, (req.url ?? '/').split('?')[0]?.replace(/^\//, '') ?? '')));
    } catch {
      res.statusCode = 404;
      res.end();
    }
  });
  return new Promise((done) =>
    server.listen(0, '127.0.0.1', () => {
      const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
      execFileSync(helm, ['repo', 'index', dir, '--url', url]);
      done({ url, server });
    }),
  );
}

export async function startHelmRuntime(): Promise<HelmRuntime> {
  const rt = await startTestRuntime({ kubernetesSimulator: true, kubeCluster: { timeScale: TEST_TIME_SCALE } });
  const repo = await demoRepo();
  const { dynamo } = await import('../../functions/shared/dynamo.js');
  await dynamo.send(new PutCommand({ TableName: rt.tables.helm, Item: { pk: 'REPO', sk: 'myrepo', url: repo.url } }));
  const { kubeConfigFor } = await import('../../functions/helm/clusters.js');
  return {
    ...rt,
    kube: () => kubeConfigFor('default'),
    stop: async () => {
      repo.server.close();
      await rt.close();
    },
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
