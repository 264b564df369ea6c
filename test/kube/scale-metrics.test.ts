import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig, Metrics } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { containerUsage, NODE_SYSTEM_OVERHEAD } from '../../local/kube/metrics.js';
import { eventually, startTestCluster, type TestCluster } from './cluster.js';
import { createPod } from './fixtures.js';

const rowOf = (output: string, name: string): string[] => (output.split('\n').find((line) => line.split(/\s+/).includes(name)) ?? '').trim().split(/\s+/);
const milli = (text: string): number => Number(text.replace(/m$/, ''));

describe('the scale subresource with kubectl scale', () => {
  let cluster: TestCluster;
  const kubectl = (...args: string[]): Promise<string> => cluster.cli('kubectl', args);

  beforeAll(async () => {
    cluster = await startTestCluster();
    await kubectl('create', 'ns', 's');
    const dir = mkdtempSync(join(tmpdir(), 'scale-'));
    const workloads = ['Deployment', 'StatefulSet']
      .map(
        (kind) =>
          `apiVersion: apps/v1\nkind: ${kind}\nmetadata: {name: web, namespace: s}\nspec:\n  replicas: 2\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec: {containers: [{name: c, image: "nginx:1.27"}]}\n`,
      )
      .join('---\n');
    writeFileSync(join(dir, 'w.yaml'), workloads);
    await kubectl('apply', '-f', join(dir, 'w.yaml'));
  });
  afterAll(async () => {
    await cluster.stop();
  });

  it('scales a deployment: spec.replicas and generation move', async () => {
    expect(await kubectl('scale', 'deployment', 'web', '-n', 's', '--replicas=3')).toContain('deployment.apps/web scaled');
    expect(await kubectl('get', 'deploy', 'web', '-n', 's', '-o', 'jsonpath={.spec.replicas} {.metadata.generation}')).toBe('3 2');
  });

  it('scales a statefulset, and refuses a stale --current-replicas', async () => {
    expect(await kubectl('scale', 'statefulset', 'web', '-n', 's', '--replicas=0')).toContain('statefulset.apps/web scaled');
    expect(await kubectl('get', 'sts', 'web', '-n', 's', '-o', 'jsonpath={.spec.replicas}')).toBe('0');
    await expect(kubectl('scale', 'statefulset', 'web', '-n', 's', '--current-replicas=5', '--replicas=1')).rejects.toThrow(/[Ee]xpected replicas to be 5/);
  });

  it('answers an autoscaling/v1 Scale with the selector as a string, and 409 on a stale resourceVersion', async () => {
    const response = await cluster.api('/apis/apps/v1/namespaces/s/deployments/web/scale');
    const scale = (await response.json()) as {
      kind: string;
      apiVersion: string;
      spec: { replicas: number };
      status: { selector: string };
      metadata: { resourceVersion: string };
    };
    expect(scale).toMatchObject({ kind: 'Scale', apiVersion: 'autoscaling/v1', spec: { replicas: 3 }, status: { selector: 'app=web' } });
    const put = (rv: string): Promise<{ status: number }> =>
      cluster.api('/apis/apps/v1/namespaces/s/deployments/web/scale', {
        method: 'PUT',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ ...scale, metadata: { ...scale.metadata, resourceVersion: rv }, spec: { replicas: 4 } }),
      });
    expect((await put('1')).status).toBe(409);
    expect((await put(scale.metadata.resourceVersion)).status).toBe(200);
    expect(await kubectl('get', 'deploy', 'web', '-n', 's', '-o', 'jsonpath={.spec.replicas}')).toBe('4');
  });

  it('lists deployments/scale in discovery as autoscaling/v1 Scale', async () => {
    const list = (await (await cluster.api('/apis/apps/v1')).json()) as { resources: { name: string; group?: string; version?: string; kind: string }[] };
    expect(list.resources.find((r) => r.name === 'deployments/scale')).toMatchObject({ group: 'autoscaling', version: 'v1', kind: 'Scale' });
    expect(await kubectl('api-resources', '--api-group=apps', '-o', 'name')).toContain('deployments.apps');
  });
});

describe('metrics.k8s.io with kubectl top and client-node Metrics', () => {
  let cluster: TestCluster;
  const kubectl = (...args: string[]): Promise<string> => cluster.cli('kubectl', args);
  const requests = { cpu: '200m', memory: '256Mi' };

  type Pod = { spec: { nodeName?: string; containers: { name: string; resources?: { requests?: Record<string, string> } }[] }; status?: { phase?: string } };
  const podsNow = (): (Pod & { metadata: { name: string; namespace: string } })[] =>
    cluster.rest.store.list('', 'pods') as unknown as (Pod & { metadata: { name: string; namespace: string } })[];
  let node = '';

  beforeAll(async () => {
    cluster = await startTestCluster();
    await kubectl('create', 'ns', 'm');
    const { rest } = cluster;
    createPod(
      rest,
      'm',
      'api',
      [
        { name: 'app', image: 'nginx:1.27', resources: { requests } },
        { name: 'sidecar', image: 'envoy:1.31' },
      ],
      { labels: { tier: 'api' } },
    );
    createPod(rest, 'm', 'pending', [{ name: 'app', image: 'registry.invalid/app:1.0' }]);
    const api = await eventually(() => podsNow().find((p) => p.metadata.name === 'api' && p.status?.phase === 'Running'));
    node = api.spec.nodeName ?? '';
  });
  afterAll(async () => {
    await cluster.stop();
  });

  it('kubectl top pod shows running pods, with usage a stable share of their requests', async () => {
    const first = await kubectl('top', 'pod', '-n', 'm');
    expect(first.split('\n')[0]).toMatch(/^NAME\s+CPU\(cores\)\s+MEMORY\(bytes\)\s*$/);
    const [, cpu = '', memory = ''] = rowOf(first, 'api');
    // app uses 30%–60% of 200m, the request-less sidecar 1m–5m.
    expect(milli(cpu)).toBeGreaterThanOrEqual(61);
    expect(milli(cpu)).toBeLessThanOrEqual(125);
    expect(Number(memory.replace(/Mi$/, ''))).toBeGreaterThanOrEqual(76 + 8);
    expect(first).not.toContain('pending');
    expect(await kubectl('top', 'pod', '-n', 'm')).toBe(first);
  });

  it('kubectl top pod --containers and -A, with a label selector', async () => {
    const containers = await kubectl('top', 'pod', 'api', '-n', 'm', '--containers');
    expect(containers.split('\n')[0]).toMatch(/^POD\s+NAME\s+CPU\(cores\)\s+MEMORY\(bytes\)\s*$/);
    const app = containerUsage('m', 'api', { name: 'app', resources: { requests } });
    expect(rowOf(containers, 'app')).toEqual(['api', 'app', `${Math.round(app.cpu * 1000)}m`, `${Math.floor(app.memory / 2 ** 20)}Mi`]);
    const all = await kubectl('top', 'pod', '-A', '-l', 'tier=api');
    expect(all.split('\n')[0]).toMatch(/^NAMESPACE\s+NAME\s+CPU\(cores\)/);
    expect(rowOf(all, 'api')[0]).toBe('m');
    await expect(kubectl('top', 'pod', 'pending', '-n', 'm')).rejects.toThrow(/not found/);
  });

  it('kubectl top node adds the system overhead to the pods on the node', async () => {
    const output = await kubectl('top', 'node', node);
    expect(output.split('\n')[0]).toMatch(/^NAME\s+CPU\(cores\)\s+CPU(\(%\))?\s+MEMORY\(bytes\)\s+MEMORY(\(%\))?\s*$/);
    const onNode = podsNow().filter((p) => p.spec.nodeName === node && p.status?.phase === 'Running');
    const usages = onNode.flatMap((p) => p.spec.containers.map((c) => containerUsage(p.metadata.namespace, p.metadata.name, c)));
    const cpu = NODE_SYSTEM_OVERHEAD.cpu + usages.reduce((sum, u) => sum + u.cpu, 0);
    const row = rowOf(output, node);
    expect(row[1]).toBe(`${Math.round(cpu * 1000)}m`);
    // CPU(%) against the node's allocatable 4 cores.
    expect(row[2]).toBe(`${Math.floor((cpu / 4) * 100)}%`);
  });

  it('kubectl get podmetrics prints the summed usage and window, as metrics-server does', async () => {
    const output = await kubectl('get', 'podmetrics.metrics.k8s.io', '-n', 'm');
    expect(output.split('\n')[0]).toMatch(/^NAME\s+CPU\s+MEMORY\s+WINDOW$/);
    expect(rowOf(output, 'api')[3]).toBe('30s');
  });

  it("answers client-node's Metrics class", async () => {
    const config = new KubeConfig();
    config.loadFromFile(cluster.kubeconfigPath);
    const metrics = new Metrics(config);
    const pods = await metrics.getPodMetrics('m');
    expect(pods.items.map((p) => p.metadata.name)).toEqual(['api']);
    expect(pods.items[0]!.containers.map((c) => c.name)).toEqual(['app', 'sidecar']);
    expect(pods.items[0]!.window).toBe('30s');
    const nodes = await metrics.getNodeMetrics();
    expect(nodes.items.map((n) => n.metadata.name)).toEqual(['sim-node-1', 'sim-node-2', 'sim-node-3']);
  });
});
