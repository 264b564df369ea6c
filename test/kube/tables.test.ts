import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startTestCluster, type TestCluster } from './cluster.js';
import { createPod, createWithStatus } from './fixtures.js';

const TABLE_ACCEPT = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json';
const rowOf = (output: string, name: string): string[] =>
  (output.split('\n').find((line) => line.split(/\s{2,}/)[0] === name || line.split(/\s{2,}/)[1] === name) ?? '').split(/\s{2,}/);

describe('server-side printing (meta.k8s.io Table) for kubectl get', () => {
  let cluster: TestCluster;
  const kubectl = (...args: string[]): Promise<string> => cluster.cli('kubectl', args);
  // kubectl's `create <kind>` generators send protobuf bodies, which the simulator reads for a few kinds only; apply sends JSON.
  const dir = mkdtempSync(join(tmpdir(), 'tables-'));
  const apply = (name: string, yaml: string): Promise<string> => {
    writeFileSync(join(dir, name), yaml);
    return kubectl('apply', '-f', join(dir, name));
  };

  beforeAll(async () => {
    cluster = await startTestCluster();
    await kubectl('create', 'ns', 't');
  });
  afterAll(async () => {
    await cluster.stop();
  });

  it("prints pods with READY, STATUS (the kubelet's waiting and terminated reasons) and RESTARTS", async () => {
    const { rest } = cluster;
    createPod(rest, 't', 'web', [{ name: 'app', image: 'nginx:1.27' }]);
    createPod(rest, 't', 'pull', [{ name: 'app', image: 'registry.invalid/app:1.0' }]);
    createPod(rest, 't', 'crash', [
      { name: 'app', image: 'busybox:crashloop' },
      { name: 'side', image: 'nginx:1.27' },
    ]);
    createPod(rest, 't', 'done', [{ name: 'job', image: 'busybox:1.36' }], { restartPolicy: 'Never' });
    const output = await eventually(async () => {
      const text = await kubectl('get', 'pods', '-n', 't');
      const ready = rowOf(text, 'web')[2] === 'Running' && rowOf(text, 'pull')[2] === 'ImagePullBackOff' && rowOf(text, 'done')[2] === 'Completed';
      return ready && rowOf(text, 'crash')[2] === 'CrashLoopBackOff' ? text : undefined;
    });
    expect(output.split('\n')[0]).toMatch(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE$/);
    expect(rowOf(output, 'web').slice(1, 4)).toEqual(['1/1', 'Running', '0']);
    expect(rowOf(output, 'pull').slice(1, 4)).toEqual(['0/1', 'ImagePullBackOff', '0']);
    expect(rowOf(output, 'crash').slice(1, 4)).toEqual(['1/2', 'CrashLoopBackOff', expect.stringMatching(/^\d+ \(\d+s ago\)$/)]);
    expect(rowOf(output, 'done').slice(1, 4)).toEqual(['0/1', 'Completed', '0']);
  });

  it('prints the wide pod columns and, with -A, the namespace', async () => {
    const wide = await kubectl('get', 'pod', 'web', '-n', 't', '-o', 'wide');
    expect(wide.split('\n')[0]).toMatch(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\s+IP\s+NODE\s+NOMINATED NODE\s+READINESS GATES$/);
    const pod = cluster.rest.get(cluster.rest.registry.find('', 'v1', 'pods')!, 't', 'web') as unknown as {
      spec: { nodeName: string };
      status: { podIP: string };
    };
    expect(rowOf(wide, 'web').slice(5)).toEqual([pod.status.podIP, pod.spec.nodeName, '<none>', '<none>']);
    expect(pod.spec.nodeName).toMatch(/^sim-node-\d$/);
    const all = await kubectl('get', 'pods', '-A');
    expect(all.split('\n')[0]).toMatch(/^NAMESPACE\s+NAME\s+READY/);
    expect(rowOf(all, 'web')[0]).toBe('t');
  });

  it('prints deployments with READY UP-TO-DATE AVAILABLE, and CONTAINERS IMAGES SELECTOR with -o wide', async () => {
    await apply(
      'deploy.yaml',
      'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: api, namespace: t}\nspec:\n  replicas: 2\n  selector: {matchLabels: {app: api}}\n  template:\n    metadata: {labels: {app: api}}\n    spec: {containers: [{name: nginx, image: "nginx:1.27"}]}\n',
    );
    const wide = await kubectl('get', 'deploy', 'api', '-n', 't', '-o', 'wide');
    expect(wide.split('\n')[0]).toMatch(/^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE\s+CONTAINERS\s+IMAGES\s+SELECTOR$/);
    expect(rowOf(wide, 'api').slice(5)).toEqual(['nginx', 'nginx:1.27', 'app=api']);
    const ready = await eventually(async () => {
      const row = rowOf(await kubectl('get', 'deploy', 'api', '-n', 't'), 'api');
      return row[1] === '2/2' ? row : undefined;
    });
    expect(ready.slice(1, 4)).toEqual(['2/2', '2', '2']);
  });

  it('prints services, configmaps, secrets and namespaces with their own columns', async () => {
    await apply(
      'misc.yaml',
      [
        'apiVersion: v1\nkind: Service\nmetadata: {name: svc, namespace: t}\nspec: {ports: [{port: 80, targetPort: 8080}]}',
        'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cfg, namespace: t}\ndata: {a: "1", b: "2"}',
        'apiVersion: v1\nkind: Secret\nmetadata: {name: sec, namespace: t}\ntype: Opaque\nstringData: {a: "1"}',
      ].join('\n---\n'),
    );
    const svc = await kubectl('get', 'svc', 'svc', '-n', 't');
    expect(svc.split('\n')[0]).toMatch(/^NAME\s+TYPE\s+CLUSTER-IP\s+EXTERNAL-IP\s+PORT\(S\)\s+AGE$/);
    expect(rowOf(svc, 'svc')[1]).toBe('ClusterIP');
    expect(rowOf(svc, 'svc')[4]).toBe('80/TCP');
    expect(rowOf(await kubectl('get', 'cm', 'cfg', '-n', 't'), 'cfg')[1]).toBe('2');
    const secret = await kubectl('get', 'secret', 'sec', '-n', 't');
    expect(secret.split('\n')[0]).toMatch(/^NAME\s+TYPE\s+DATA\s+AGE$/);
    expect(rowOf(secret, 'sec').slice(1, 3)).toEqual(['Opaque', '1']);
    expect(rowOf(await kubectl('get', 'ns', 't'), 't')[1]).toBe('Active');
  });

  it("prints the cluster's nodes with STATUS ROLES AGE VERSION", async () => {
    const output = await kubectl('get', 'nodes');
    expect(output.split('\n')[0]).toMatch(/^NAME\s+STATUS\s+ROLES\s+AGE\s+VERSION$/);
    expect(rowOf(output, 'sim-node-1')).toEqual([
      'sim-node-1',
      'Ready',
      expect.any(String),
      expect.stringMatching(/^\d+s$/),
      expect.stringMatching(/^v1\.\d+\.\d+/),
    ]);
    const wide = await kubectl('get', 'node', 'sim-node-1', '-o', 'wide');
    expect(wide.split('\n')[0]).toMatch(/INTERNAL-IP\s+EXTERNAL-IP\s+OS-IMAGE\s+KERNEL-VERSION\s+CONTAINER-RUNTIME$/);
  });

  it('prints jobs with STATUS COMPLETIONS DURATION', async () => {
    const start = new Date(Date.now() - 65_000).toISOString().replace(/\.\d+Z$/, 'Z');
    const end = new Date(Date.now() - 5_000).toISOString().replace(/\.\d+Z$/, 'Z');
    createWithStatus(cluster.rest, 'jobs', 'batch', 'v1', {
      metadata: { name: 'once', namespace: 't' },
      spec: { completions: 1, template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox' }] } } },
      status: { succeeded: 1, startTime: start, completionTime: end, conditions: [{ type: 'Complete', status: 'True' }] },
    });
    const output = await kubectl('get', 'job', 'once', '-n', 't');
    expect(output.split('\n')[0]).toMatch(/^NAME\s+STATUS\s+COMPLETIONS\s+DURATION\s+AGE$/);
    expect(rowOf(output, 'once').slice(1, 4)).toEqual(['Complete', '1/1', '60s']);
  });

  it("prints a custom resource with its CRD's additionalPrinterColumns, and CRDs with CREATED AT", async () => {
    const crd = {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'widgets.example.com' },
      spec: {
        group: 'example.com',
        scope: 'Namespaced',
        names: { kind: 'Widget', plural: 'widgets', singular: 'widget' },
        versions: [
          {
            name: 'v1',
            served: true,
            storage: true,
            schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
            additionalPrinterColumns: [
              { name: 'Size', type: 'integer', jsonPath: '.spec.size' },
              { name: 'Ready', type: 'string', jsonPath: '.status.conditions[?(@.type=="Ready")].status' },
              { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
            ],
          },
        ],
      },
    };
    await cluster.api('/apis/apiextensions.k8s.io/v1/customresourcedefinitions', {
      method: 'POST',
      body: JSON.stringify(crd),
      headers: { 'Content-Type': 'application/json' },
    });
    createWithStatus(cluster.rest, 'widgets', 'example.com', 'v1', {
      metadata: { name: 'w1', namespace: 't' },
      spec: { size: 3 },
      status: { conditions: [{ type: 'Ready', status: 'True' }] },
    });
    const output = await eventually(() => kubectl('get', 'widgets', '-n', 't').catch(() => undefined));
    expect(output.split('\n')[0]).toMatch(/^NAME\s+SIZE\s+READY\s+AGE$/);
    expect(rowOf(output, 'w1')).toEqual(['w1', '3', 'True', expect.stringMatching(/^\d+s$/)]);
    const crds = await kubectl('get', 'crd');
    expect(crds.split('\n')[0]).toMatch(/^NAME\s+CREATED AT$/);
    expect(rowOf(crds, 'widgets.example.com')[1]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  });

  it('prints NAME CREATED AT for a built-in type without a printer (Role), as the default convertor does', async () => {
    await apply('role.yaml', 'apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {name: reader, namespace: t}\nrules: []\n');
    const output = await kubectl('get', 'role', 'reader', '-n', 't');
    expect(output.split('\n')[0]).toMatch(/^NAME\s+CREATED AT$/);
    expect(rowOf(output, 'reader')[1]).toMatch(/^\d{4}-\d\d-\d\dT/);
  });

  it('answers a Table with every column and the row object as asked (includeObject)', async () => {
    const response = await cluster.api('/api/v1/namespaces/t/pods?includeObject=Object', { headers: { Accept: TABLE_ACCEPT } });
    const table = (await response.json()) as {
      kind: string;
      columnDefinitions: { name: string; priority: number }[];
      rows: { cells: unknown[]; object: { kind: string } }[];
    };
    expect(table.kind).toBe('Table');
    expect(table.columnDefinitions.map((c) => `${c.name}:${c.priority}`)).toEqual([
      'Name:0',
      'Ready:0',
      'Status:0',
      'Restarts:0',
      'Age:0',
      'IP:1',
      'Node:1',
      'Nominated Node:1',
      'Readiness Gates:1',
    ]);
    expect(table.rows[0]!.object.kind).toBe('Pod');
    const metadataOnly = (await (await cluster.api('/api/v1/namespaces/t/pods/web', { headers: { Accept: TABLE_ACCEPT } })).json()) as typeof table;
    expect(metadataOnly.rows[0]!.object.kind).toBe('PartialObjectMetadata');
    const none = (await (await cluster.api('/api/v1/namespaces/t/pods/web?includeObject=None', { headers: { Accept: TABLE_ACCEPT } })).json()) as typeof table;
    expect(none.rows[0]!.object).toBeUndefined();
  });

  it('streams rows to kubectl get --watch as the kubelet moves a new pod to Running', async () => {
    const watcher = cluster.spawnCli('kubectl', ['get', 'pods', '-n', 't', '--watch', '--output-watch-events']);
    let output = '';
    watcher.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    try {
      await eventually(() => (/ADDED\s+web\s+1\/1\s+Running/.test(output) ? true : undefined));
      createPod(cluster.rest, 't', 'late', [{ name: 'app', image: 'nginx:1.27' }]);
      await eventually(() => (/ADDED\s+late\s+0\/1\s+Pending/.test(output) ? true : undefined));
      await eventually(() => (/MODIFIED\s+late\s+1\/1\s+Running/.test(output) ? true : undefined));
    } finally {
      watcher.kill();
    }
  });
});
