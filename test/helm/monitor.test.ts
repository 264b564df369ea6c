import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { AppsV1Api, CoreV1Api, CustomObjectsApi, KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../kube/cluster.js';
import type { TestRuntime } from '../helpers/runtime.js';
import { startTestRuntime } from '../helpers/runtime.js';

let rt: TestRuntime;
let kc: KubeConfig;
const tokens: Record<string, string> = {};
const NS = 'mon';

/** An app as the Helm operations record it (the lead's store): only what monitoring reads. */
async function putApp(namespace: string, name: string, state: string): Promise<void> {
  const db = DynamoDBDocumentClient.from(
    new DynamoDBClient({ region: 'us-east-1', endpoint: rt.dynamodbEndpoint, credentials: { accessKeyId: 'x', secretAccessKey: 'x' } }),
  );
  await db.send(
    new PutCommand({
      TableName: rt.tables.helm,
      Item: { pk: `APPS#default#${namespace}`, sk: name, gsi2pk: 'APPS#default', gsi2sk: `${namespace}#${name}`, name, namespace, state },
    }),
  );
}

function deployment(name: string, replicas: number) {
  const labels = { 'app.kubernetes.io/instance': name, 'app.kubernetes.io/name': 'web' };
  return {
    metadata: { name, labels },
    spec: {
      replicas,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: { containers: [{ name: 'web', image: 'nginx:1.27', resources: { requests: { cpu: '100m', memory: '64Mi' } } }] },
      },
    },
  };
}

beforeAll(async () => {
  rt = await startTestRuntime({ kubernetesSimulator: true, kubeCluster: { timeScale: 0.05 } });
  kc = new KubeConfig();
  kc.loadFromFile(rt.kubeconfig!);
  await kc.makeApiClient(CoreV1Api).createNamespace({ body: { metadata: { name: NS } } });
  await kc.makeApiClient(AppsV1Api).createNamespacedDeployment({ namespace: NS, body: deployment('web', 2) });
  for (const role of ['viewer', 'config-client'] as const) {
    const created = await rt.call('POST', '/admin/users', { body: { name: `monitor-${role}`, role } });
    tokens[role] = created.body.data.token;
  }
});
afterAll(() => rt?.close());

describe('GET /v1/monitor/apps/{name}/metrics', () => {
  it("answers the app's usage and replicas in the document's shape once its pods run", async () => {
    const reply = await eventually(async () => {
      const r = await rt.call('GET', `/v1/monitor/apps/web/metrics?namespace=${NS}`, { token: tokens.viewer ?? '' });
      return r.status === 200 && r.body.data.ready_replicas === 2 && r.body.data.cpu_usage !== '0m' ? r : undefined;
    }, 20_000);
    const data = reply.body.data;
    expect(data).toMatchObject({ replicas: 2, ready_replicas: 2, name: 'web', namespace: NS, cluster_id: 'default' });
    expect(data.cpu_usage).toMatch(/^\d+m$/);
    expect(data.memory_usage).toMatch(/^\d+Mi$/);
    expect(data.workloads).toEqual([{ kind: 'Deployment', name: 'web', replicas: 2, ready_replicas: 2 }]);
    expect(data.pods).toHaveLength(2);

    // The sums are metrics.k8s.io's, as metrics-server would report them for these pods.
    const list = (await kc.makeApiClient(CustomObjectsApi).listNamespacedCustomObject({
      group: 'metrics.k8s.io',
      version: 'v1beta1',
      namespace: NS,
      plural: 'pods',
      labelSelector: 'app.kubernetes.io/instance=web',
    })) as { items: { containers: { usage: { cpu: string; memory: string } }[] }[] };
    const milli = (q: string) => (q.endsWith('m') ? Number(q.slice(0, -1)) : q.endsWith('n') ? Number(q.slice(0, -1)) / 1e6 : Number(q) * 1000);
    const kib = (q: string) => Number(q.replace(/Ki$/, ''));
    const usage = list.items.flatMap((i) => i.containers.map((c) => c.usage));
    expect(data.cpu_usage).toBe(`${Math.round(usage.reduce((n, u) => n + milli(u.cpu), 0))}m`);
    expect(data.memory_usage).toBe(`${Math.round(usage.reduce((n, u) => n + kib(u.memory), 0) / 1024)}Mi`);
    // Each container uses 30–60% of its request.
    expect(Number(data.cpu_usage.slice(0, -1))).toBeGreaterThanOrEqual(60);
    expect(Number(data.cpu_usage.slice(0, -1))).toBeLessThanOrEqual(120);
  });

  it('answers 404 when nothing in the namespace carries the app label', async () => {
    const reply = await rt.call('GET', `/v1/monitor/apps/ghost/metrics?namespace=${NS}`);
    expect(reply.status).toBe(404);
    expect(reply.body).toMatchObject({ success: false, error: { code: 'not_found' } });
    expect(reply.body.error.message).toContain('app.kubernetes.io/instance=ghost');
    expect((await rt.call('GET', '/v1/monitor/apps/web/metrics?namespace=elsewhere')).status).toBe(404);
  });

  it('answers 400 for a name or namespace Kubernetes could not hold', async () => {
    expect((await rt.call('GET', `/v1/monitor/apps/Web_1/metrics?namespace=${NS}`)).status).toBe(400);
    expect((await rt.call('GET', '/v1/monitor/apps/web/metrics?namespace=Not%20A%20Namespace')).status).toBe(400);
    expect((await rt.call('GET', '/v1/monitor/apps/web/metrics?clusterId=UPPER')).status).toBe(400);
  });
});

describe('GET /v1/monitor/system', () => {
  it('answers nodes with allocatable and requested resources, pods by phase and apps by state', async () => {
    await putApp(NS, 'web', 'active');
    await putApp(NS, 'broken', 'error');
    await putApp('other', 'db', 'installing');
    const reply = await rt.call('GET', '/v1/monitor/system', { token: tokens.viewer ?? '' });
    expect(reply.status).toBe(200);
    const data = reply.body.data;
    expect(data.nodes).toHaveLength(3);
    for (const node of data.nodes) {
      expect(node).toMatchObject({ ready: true, schedulable: true, allocatable: { cpu: '4000m', memory: '8192Mi', pods: 110 } });
      expect(node.usage.cpu).toMatch(/^\d+m$/);
    }
    expect(data.totals).toMatchObject({ nodes: 3, ready_nodes: 3, allocatable: { cpu: '12000m', memory: '24576Mi', pods: 330 } });
    // The two pods of `web` request 100m and 64Mi each, wherever the scheduler put them.
    const requestedCpu = data.nodes.reduce((n: number, node: { requested: { cpu: string } }) => n + Number(node.requested.cpu.slice(0, -1)), 0);
    expect(requestedCpu).toBeGreaterThanOrEqual(200);
    expect(data.totals.requested.pods).toBe(data.pods.total - (data.pods.by_phase.Succeeded ?? 0) - (data.pods.by_phase.Failed ?? 0));
    expect(data.pods.by_phase.Running).toBeGreaterThanOrEqual(2);
    expect(data.apps).toEqual({ total: 3, by_state: { active: 1, error: 1, installing: 1 } });
  });
});

describe('GET /v1/monitor/health', () => {
  it('answers degraded naming the apps in error, with the cluster, DynamoDB and workflows each checked', async () => {
    const reply = await rt.call('GET', '/v1/monitor/health', { token: tokens.viewer ?? '' });
    expect(reply.status).toBe(200);
    const data = reply.body.data;
    expect(data.cluster).toMatchObject({ id: 'default', ok: true, version: expect.stringMatching(/^v1\.\d+/) });
    expect(data.dynamodb).toEqual({ ok: true });
    expect(data.workflows.ok).toBe(true);
    expect(data.workflows.state_machines.length).toBeGreaterThan(0);
    expect(data.apps).toMatchObject({ ok: false, total: 3, in_error: 1, error_apps: [{ namespace: NS, name: 'broken' }] });
    expect(data.status).toBe('degraded');
  });

  it('answers ok once no app is in error', async () => {
    await putApp(NS, 'broken', 'active');
    const reply = await rt.call('GET', '/v1/monitor/health');
    expect(reply.body.data.apps).toMatchObject({ ok: true, in_error: 0, error_apps: [] });
    expect(reply.body.data.status).toBe('ok');
  });
});

describe('monitoring and system information access', () => {
  for (const path of ['/v1/monitor/system', '/v1/monitor/health', `/v1/monitor/apps/web/metrics?namespace=${NS}`]) {
    it(`refuses ${path} to a config-client (403) and to no token (401)`, async () => {
      expect((await rt.call('GET', path, { token: tokens['config-client'] ?? '' })).status).toBe(403);
      expect((await rt.call('GET', path, { token: null })).status).toBe(401);
    });
  }

  it('GET /admin/system/info reports the real Kubernetes version of the cluster', async () => {
    const reply = await rt.call('GET', '/admin/system/info');
    expect(reply.status).toBe(200);
    expect(reply.body.data.kubernetes_version).toMatch(/^v1\.\d+\.\d+/);
    expect(reply.body.data.unavailable?.kubernetes).toBeUndefined();
  });
});
