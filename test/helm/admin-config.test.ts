import { readFileSync } from 'node:fs';
import { AppsV1Api, KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeSimulator } from '../../local/kube/server.js';
import { startKubeSimulator } from '../../local/kube/server.js';
import type { TestRuntime } from '../helpers/runtime.js';
import { startTestRuntime } from '../helpers/runtime.js';
import { eventually } from '../kube/cluster.js';

let rt: TestRuntime;
/** A second cluster, beside the runtime's own simulator: one node, so its answers are told apart from the default's three. */
let second: KubeSimulator;
let secondKubeconfig: string;
const tokens: Record<string, string> = {};

beforeAll(async () => {
  rt = await startTestRuntime({ kubernetesSimulator: true, kubeCluster: { timeScale: 0.05 } });
  second = await startKubeSimulator({ port: 0, cluster: { timeScale: 0.05, nodes: 1 } });
  secondKubeconfig = readFileSync(second.kubeconfigPath, 'utf8');
  for (const role of ['operator', 'viewer'] as const) {
    const created = await rt.call('POST', '/admin/users', { body: { name: `config-${role}`, role } });
    tokens[role] = created.body.data.token;
  }
});
afterAll(async () => {
  await rt?.close();
  await second?.close();
});

/** A kubeconfig like the second simulator's with one thing changed. */
function kubeconfigWith(change: (doc: any) => void): string {
  const doc = JSON.parse(secondKubeconfig);
  change(doc);
  return JSON.stringify(doc);
}

describe('GET /admin/config', () => {
  it('answers every setting with its value, default, bounds and meaning, all at their defaults at first', async () => {
    const reply = await rt.call('GET', '/admin/config');
    expect(reply.status).toBe(200);
    const { settings, version, default_cluster } = reply.body.data;
    expect(version).toBe(0);
    expect(settings.defaultTimeoutSeconds).toMatchObject({ value: 300, default: 300, is_default: true, min: 10, max: 3600 });
    // The local runtime polls every second (HELM_DEFAULT_POLL_SECONDS=1); AWS's default is 2.
    expect(settings.pollSeconds).toMatchObject({ value: 1, default: 1, is_default: true, min: 1 });
    expect(settings.imagePullGraceSeconds).toMatchObject({ value: 10, default: 10, is_default: true });
    expect(settings.readyStableSeconds).toMatchObject({ value: 1, default: 1, is_default: true, min: 0, max: 300 });
    expect(settings.clusters).toMatchObject({ value: [], is_default: true });
    for (const setting of Object.values<{ description: string }>(settings)) expect(setting.description.length).toBeGreaterThan(20);
    expect(default_cluster).toEqual({ id: 'default', source: 'kubeconfig' });
  });

  it('is for admins only', async () => {
    for (const role of ['operator', 'viewer']) {
      expect((await rt.call('GET', '/admin/config', { token: tokens[role] ?? '' })).status).toBe(403);
      expect((await rt.call('PUT', '/admin/config', { token: tokens[role] ?? '', body: { pollSeconds: 1 } })).status).toBe(403);
    }
    expect((await rt.call('GET', '/admin/config', { token: null })).status).toBe(401);
  });
});

describe('PUT /admin/config', () => {
  const refusals: [string, unknown, string][] = [
    ['an unknown field', { pollSecs: 1 }, 'pollSecs'],
    ['a poll interval under one second', { pollSeconds: 0 }, 'pollSeconds'],
    ['a fractional timeout', { defaultTimeoutSeconds: 12.5 }, 'defaultTimeoutSeconds'],
    ['a timeout given as text', { defaultTimeoutSeconds: '300' }, 'defaultTimeoutSeconds'],
    ['an empty change', {}, 'give at least one setting'],
    ['the reserved cluster id default', { clusters: [{ id: 'default', eksClusterName: 'prod' }] }, 'clusters.0.id'],
    ['a cluster id that is not a DNS label', { clusters: [{ id: 'Prod_1', eksClusterName: 'prod' }] }, 'clusters.0.id'],
    ['a cluster with both kinds of access', { clusters: [{ id: 'c9', eksClusterName: 'prod', kubeconfig: 'x' }] }, 'clusters.0.kubeconfig'],
    ['an unknown field of a cluster', { clusters: [{ id: 'c9', server: 'https://x' }] }, 'server'],
    [
      'the same cluster id twice',
      {
        clusters: [
          { id: 'c9', eksClusterName: 'a' },
          { id: 'c9', eksClusterName: 'b' },
        ],
      },
      'clusters.1.id',
    ],
    ['a cluster kept by id that was never registered', { clusters: [{ id: 'c9' }] }, 'clusters.0'],
    ['a kubeconfig that is not YAML', { clusters: [{ id: 'c9', kubeconfig: 'clusters: [' }] }, 'clusters.0.kubeconfig'],
  ];
  for (const [what, body, named] of refusals) {
    it(`answers 400 naming the field for ${what}`, async () => {
      const reply = await rt.call('PUT', '/admin/config', { body });
      expect(reply.status).toBe(400);
      expect(reply.body).toMatchObject({ success: false, error: { code: 'validation_failed' } });
      expect(reply.body.error.message).toContain(named);
    });
  }

  it('refuses kubeconfigs that would run a program, read a file or talk plain http', async () => {
    const unsafe = [
      kubeconfigWith((d) => (d.users[0].user = { exec: { command: '/bin/sh', args: ['-c', 'id'], apiVersion: 'client.authentication.k8s.io/v1' } })),
      kubeconfigWith((d) => (d.users[0].user = { tokenFile: '/etc/passwd' })),
      kubeconfigWith((d) => (d.clusters[0].cluster['certificate-authority'] = '/etc/ssl/ca.pem')),
      kubeconfigWith((d) => (d.clusters[0].cluster.server = 'http://127.0.0.1:6443')),
      kubeconfigWith((d) => (d['current-context'] = 'elsewhere')),
    ];
    for (const kubeconfig of unsafe) {
      const reply = await rt.call('PUT', '/admin/config', { body: { clusters: [{ id: 'c9', kubeconfig }] } });
      expect(reply.status, kubeconfig).toBe(400);
      expect(reply.body.error.message).toContain('clusters.0.kubeconfig');
    }
  });

  it('changes only what the body names, and null puts a value back to its default', async () => {
    const set = await rt.call('PUT', '/admin/config', { body: { pollSeconds: 5, imagePullGraceSeconds: 30 } });
    expect(set.status).toBe(200);
    expect(set.body.data.settings.pollSeconds).toMatchObject({ value: 5, is_default: false });
    expect(set.body.data.settings.defaultTimeoutSeconds).toMatchObject({ value: 300, is_default: true });
    const reset = await rt.call('PUT', '/admin/config', { body: { imagePullGraceSeconds: null } });
    expect(reset.body.data.settings.imagePullGraceSeconds).toMatchObject({ value: 10, is_default: true });
    const read = await rt.call('GET', '/admin/config');
    expect(read.body.data.settings.pollSeconds.value).toBe(5);
    expect(read.body.data.version).toBe(reset.body.data.version);
    expect(read.body.data.updated_by).toMatch(/^usr-/);
  });

  it('answers 409 when the version sent is no longer the stored one', async () => {
    const { version } = (await rt.call('GET', '/admin/config')).body.data;
    expect((await rt.call('PUT', '/admin/config', { body: { version, defaultTimeoutSeconds: 600 } })).status).toBe(200);
    const stale = await rt.call('PUT', '/admin/config', { body: { version, defaultTimeoutSeconds: 900 } });
    expect(stale.status).toBe(409);
    expect(stale.body).toMatchObject({ success: false, error: { code: 'conflict' } });
    expect((await rt.call('GET', '/admin/config')).body.data.settings.defaultTimeoutSeconds.value).toBe(600);
  });

  it('keeps every change of concurrent writers that do not name a version', async () => {
    const before = (await rt.call('GET', '/admin/config')).body.data.version;
    const writes = [
      { defaultTimeoutSeconds: 120 },
      { pollSeconds: 3 },
      { imagePullGraceSeconds: 20 },
      { defaultTimeoutSeconds: 120, pollSeconds: 3 },
      { imagePullGraceSeconds: 20 },
    ];
    const replies = await Promise.all(writes.map((body) => rt.call('PUT', '/admin/config', { body })));
    expect(replies.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    const after = (await rt.call('GET', '/admin/config')).body.data;
    expect(after.version).toBe(before + writes.length);
    expect([after.settings.defaultTimeoutSeconds.value, after.settings.pollSeconds.value, after.settings.imagePullGraceSeconds.value]).toEqual([120, 3, 20]);
  });
});

describe('a second cluster registered with its kubeconfig', () => {
  it('is reached by its id once registered, and its kubeconfig is never shown', async () => {
    const put = await rt.call('PUT', '/admin/config', { body: { clusters: [{ id: 'c2', kubeconfig: secondKubeconfig }] } });
    expect(put.status).toBe(200);
    expect(put.body.data.settings.clusters.value).toEqual([{ id: 'c2', type: 'kubeconfig', server: second.url, updated_at: expect.any(String) }]);
    expect(put.text).not.toContain(second.token);

    const own = await rt.call('GET', '/v1/monitor/system');
    const other = await rt.call('GET', '/v1/monitor/system?clusterId=c2');
    expect(other.status).toBe(200);
    expect(other.body.data.cluster_id).toBe('c2');
    expect(other.body.data.nodes).toHaveLength(1);
    expect(own.body.data.nodes).toHaveLength(3);
    const health = await rt.call('GET', '/v1/monitor/health?clusterId=c2');
    expect(health.body.data.cluster).toMatchObject({ id: 'c2', ok: true, version: expect.stringMatching(/^v1\./) });

    const read = await rt.call('GET', '/admin/config');
    expect(read.text).not.toContain(second.token);
    expect(read.text).not.toContain('certificate-authority-data');
  });

  it('takes a Helm app installed with clusterId:projectId to that cluster, with the helm binary and the monitoring routes', async () => {
    const created = await rt.call('POST', '/v3/projects/c2:team/app', {
      body: {
        name: 'web',
        projectId: 'c2:team',
        targetNamespace: 'web-ns',
        externalId: 'catalog://?catalog=myrepo&template=podinfo&version=6.5.4',
        answers: { replicaCount: '1' },
      },
    });
    expect(created.status).toBe(201);
    const app = await eventually(async () => {
      const r = await rt.call('GET', '/v3/projects/c2:team/app/web?targetNamespace=web-ns');
      return r.body.data?.transitioning === 'yes' ? undefined : r.body.data;
    }, 60_000);
    expect(app.state).toBe('active');
    const onSecond = new KubeConfig();
    onSecond.loadFromFile(second.kubeconfigPath);
    const deployments = await onSecond.makeApiClient(AppsV1Api).listNamespacedDeployment({ namespace: 'web-ns' });
    expect(deployments.items.map((d) => d.metadata?.labels?.['app.kubernetes.io/instance'])).toEqual(['web']);
    expect((await rt.call('GET', '/v1/monitor/apps/web/metrics?namespace=web-ns')).status).toBe(404);
    const metrics = await rt.call('GET', '/v1/monitor/apps/web/metrics?namespace=web-ns&clusterId=c2');
    expect(metrics.body.data).toMatchObject({ cluster_id: 'c2', replicas: 1, ready_replicas: 1 });
    expect((await rt.call('GET', '/v1/monitor/system?clusterId=c2')).body.data.apps.by_state).toEqual({ active: 1 });
  });

  it('keeps a registered cluster when a PUT names it by id alone', async () => {
    const reply = await rt.call('PUT', '/admin/config', { body: { clusters: [{ id: 'c2' }, { id: 'eks2', eksClusterName: 'staging', region: 'eu-west-1' }] } });
    expect(reply.status).toBe(200);
    expect(reply.body.data.settings.clusters.value.map((c: { id: string; type: string }) => `${c.id}:${c.type}`)).toEqual(['c2:kubeconfig', 'eks2:eks']);
    expect((await rt.call('GET', '/v1/monitor/system?clusterId=c2')).body.data.nodes).toHaveLength(1);
  });

  it('answers 404 naming the known clusters for an id nobody registered', async () => {
    const reply = await rt.call('GET', '/v1/monitor/system?clusterId=nope');
    expect(reply.status).toBe(404);
    expect(reply.body).toMatchObject({ success: false, error: { code: 'not_found' } });
    expect(reply.body.error.message).toContain('cluster "nope" is not registered');
    expect(reply.body.error.message).toContain('default, c2, eks2');
    expect((await rt.call('GET', '/v1/monitor/health?clusterId=nope')).status).toBe(404);
  });

  it('is gone once the list no longer has it', async () => {
    expect((await rt.call('PUT', '/admin/config', { body: { clusters: [] } })).status).toBe(200);
    expect((await rt.call('GET', '/v1/monitor/system?clusterId=c2')).status).toBe(404);
  });

  it('never puts the kubeconfig or its token into a log record', async () => {
    const logs = await rt.call('GET', '/admin/system/logs?level=DEBUG&limit=1000');
    expect(logs.status).toBe(200);
    expect(logs.body.data.records.some((r: { message: string }) => r.message === 'helm settings updated')).toBe(true);
    expect(logs.text).not.toContain(second.token);
  });
});
