import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { CHART_SOURCES, startChartRepository } from '../../local/chart-repository.js';
import { ensureHelmBinary } from '../../local/helm-binary.js';
import { eventually, startTestCluster, type TestCluster } from '../kube/cluster.js';

type K8sObject = {
  kind: string;
  metadata: { name: string; labels?: Record<string, string> };
  spec?: any;
  data?: Record<string, string>;
};

const BIN_DIR = resolve('node_modules', '.cache', 'control-plane');

/** The charts as the local repository serves them (packaged by the real helm), one .tgz per version. */
let packages: string;
let cluster: TestCluster;
const helm = (...args: string[]): Promise<string> => cluster.cli('helm', args);
const kubectl = (...args: string[]): Promise<string> => cluster.cli('kubectl', args);
const pkg = (file: string) => join(packages, file);

async function template(chart: string, ...args: string[]): Promise<K8sObject[]> {
  const out = await helm('template', 'podinfo', pkg(chart), '--namespace', 'podinfo-ns', ...args);
  return parseAllDocuments(out)
    .map((doc) => doc.toJS() as K8sObject | null)
    .filter((o): o is K8sObject => o !== null);
}

const byKind = (objects: K8sObject[], kind: string) => objects.find((o) => o.kind === kind);

beforeAll(async () => {
  const repo = await startChartRepository({ helm: ensureHelmBinary(BIN_DIR), baseUrl: 'http://127.0.0.1:1', cacheDir: BIN_DIR });
  packages = mkdtempSync(join(tmpdir(), 'repos-charts-'));
  for (const [file, content] of repo.files) writeFileSync(join(packages, file), content);
  cluster = await startTestCluster();
});
afterAll(async () => {
  await cluster?.stop();
  rmSync(packages, { recursive: true, force: true });
});

describe('the local chart sources', () => {
  it('pass helm lint --strict', async () => {
    for (const chart of ['podinfo', 'minidb', 'kvcache']) expect(await helm('lint', '--strict', join(CHART_SOURCES, chart))).toContain('0 chart(s) failed');
  });

  it('are packaged as podinfo 6.5.4 and 6.5.5 and minidb 1.0.0, each version its own appVersion', async () => {
    const shown = await helm('show', 'chart', pkg('podinfo-6.5.4.tgz'));
    expect(shown).toMatch(/^version: 6\.5\.4$/m);
    expect(shown).toMatch(/^appVersion: 6\.5\.4$/m);
    expect(await helm('show', 'chart', pkg('podinfo-6.5.5.tgz'))).toMatch(/^appVersion: 6\.5\.5$/m);
    expect(await helm('show', 'chart', pkg('minidb-1.0.0.tgz'))).toMatch(/^version: 1\.0\.0$/m);
    expect(await helm('show', 'chart', pkg('kvcache-1.0.0.tgz'))).toMatch(/^version: 1\.0\.0$/m);
  });
});

describe('podinfo', () => {
  it("renders the document's example answers: a NodePort Service on 31130, the path, and an unknown dm.* value ignored", async () => {
    const objects = await template('podinfo-6.5.4.tgz', '--set', 'service.nodePort=31130', '--set', 'path=/podinfo', '--set', 'dm.dmRootPassword=x');
    const service = byKind(objects, 'Service');
    expect(service?.spec.type).toBe('NodePort');
    expect(service?.spec.ports[0]).toMatchObject({ port: 9898, nodePort: 31130, targetPort: 'http' });
    const container = byKind(objects, 'Deployment')?.spec.template.spec.containers[0];
    expect(container.image).toBe('ghcr.io/stefanprodan/podinfo:6.5.4');
    expect(container.env).toContainEqual({ name: 'PODINFO_PATH', value: '/podinfo' });
    expect(container.resources.requests).toEqual({ cpu: '10m', memory: '32Mi' });
    expect(container.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'http' });
    expect(byKind(objects, 'Ingress')).toBeUndefined();
  });

  it('labels every object and the pod template with the release instance and the app name', async () => {
    const objects = await template('podinfo-6.5.5.tgz', '--set', 'ingress.enabled=true');
    expect(objects.map((o) => o.kind).sort()).toEqual(['Deployment', 'Ingress', 'Secret', 'Service']);
    for (const o of objects) expect(o.metadata.labels, o.kind).toMatchObject({ 'app.kubernetes.io/instance': 'podinfo', 'app.kubernetes.io/name': 'podinfo' });
    const pod = byKind(objects, 'Deployment')?.spec.template.metadata.labels;
    expect(pod).toMatchObject({ 'app.kubernetes.io/instance': 'podinfo', 'app.kubernetes.io/name': 'podinfo' });
  });

  it('takes image, replicas, service type and an Ingress on the path from values', async () => {
    const objects = await template(
      'podinfo-6.5.5.tgz',
      ...['--set', 'image.repository=registry.invalid/podinfo', '--set', 'image.tag=6.5.4', '--set', 'image.pullPolicy=Always'],
      ...['--set', 'replicaCount=3', '--set', 'service.type=LoadBalancer', '--set', 'ingress.enabled=true', '--set', 'path=/app'],
    );
    const deployment = byKind(objects, 'Deployment');
    expect(deployment?.spec.replicas).toBe(3);
    expect(deployment?.spec.template.spec.containers[0]).toMatchObject({ image: 'registry.invalid/podinfo:6.5.4', imagePullPolicy: 'Always' });
    expect(byKind(objects, 'Service')?.spec.type).toBe('LoadBalancer');
    expect(byKind(objects, 'Ingress')?.spec.rules[0].http.paths[0]).toMatchObject({ path: '/app', pathType: 'Prefix' });
    const defaults = await template('podinfo-6.5.5.tgz');
    expect(byKind(defaults, 'Service')?.spec.type).toBe('ClusterIP');
    expect(byKind(defaults, 'Service')?.spec.ports[0].nodePort).toBeUndefined();
  });

  it('keeps adminPassword in a Secret the pod reads', async () => {
    const objects = await template('podinfo-6.5.4.tgz', '--set', 'adminPassword=Adm1n-pass');
    expect(Buffer.from(byKind(objects, 'Secret')?.data?.['admin-password'] ?? '', 'base64').toString()).toBe('Adm1n-pass');
    const env = byKind(objects, 'Deployment')?.spec.template.spec.containers[0].env as { name: string; valueFrom?: unknown }[];
    expect(env.find((e) => e.name === 'PODINFO_ADMIN_PASSWORD')?.valueFrom).toEqual({ secretKeyRef: { name: 'podinfo', key: 'admin-password' } });
  });

  it('installs on the simulator with the example answers, becomes ready, and upgrades to 6.5.5 keeping its generated password', async () => {
    const installed = await helm(
      ...['install', 'podinfo', pkg('podinfo-6.5.4.tgz'), '--namespace', 'podinfo-ns', '--create-namespace', '--wait', '--timeout', '60s'],
      ...['--set', 'service.nodePort=31130', '--set', 'path=/podinfo', '--set', 'dm.dmRootPassword=x'],
    );
    expect(installed).toContain('STATUS: deployed');
    expect(await kubectl('get', 'svc', 'podinfo', '-n', 'podinfo-ns', '-o', 'jsonpath={.spec.type} {.spec.ports[0].nodePort}')).toBe('NodePort 31130');
    const ready = await kubectl(
      'get',
      'pods',
      '-n',
      'podinfo-ns',
      '-l',
      'app.kubernetes.io/instance=podinfo',
      '-o',
      'jsonpath={.items[*].status.containerStatuses[0].ready}',
    );
    expect(ready).toBe('true');
    const password = await kubectl('get', 'secret', 'podinfo', '-n', 'podinfo-ns', '-o', 'jsonpath={.data.admin-password}');
    expect(Buffer.from(password, 'base64').toString()).toMatch(/^[A-Za-z0-9]{20}$/);

    await helm('upgrade', 'podinfo', pkg('podinfo-6.5.5.tgz'), '--namespace', 'podinfo-ns', '--reuse-values', '--wait', '--timeout', '60s');
    const image = await kubectl('get', 'deploy', 'podinfo', '-n', 'podinfo-ns', '-o', 'jsonpath={.spec.template.spec.containers[0].image}');
    expect(image).toBe('ghcr.io/stefanprodan/podinfo:6.5.5');
    expect(await kubectl('get', 'secret', 'podinfo', '-n', 'podinfo-ns', '-o', 'jsonpath={.data.admin-password}')).toBe(password);
  });
});

describe('minidb', () => {
  it('renders a StatefulSet with a volume claim template, an init container, a Secret and Services, all labelled', async () => {
    const out = await helm('template', 'db', pkg('minidb-1.0.0.tgz'), '--set', 'rootPassword=r00t', '--set', 'service.nodePort=31306');
    const objects = parseAllDocuments(out).map((doc) => doc.toJS() as K8sObject);
    expect(objects.map((o) => o.kind).sort()).toEqual(['Secret', 'Service', 'Service', 'StatefulSet']);
    for (const o of objects) expect(o.metadata.labels, o.kind).toMatchObject({ 'app.kubernetes.io/instance': 'db', 'app.kubernetes.io/name': 'minidb' });
    const set = byKind(objects, 'StatefulSet');
    expect(set?.spec.template.metadata.labels).toMatchObject({ 'app.kubernetes.io/instance': 'db', 'app.kubernetes.io/name': 'minidb' });
    expect(set?.spec.template.spec.initContainers).toHaveLength(1);
    expect(set?.spec.volumeClaimTemplates[0].spec.resources.requests.storage).toBe('1Gi');
    expect(Buffer.from(byKind(objects, 'Secret')?.data?.['root-password'] ?? '', 'base64').toString()).toBe('r00t');
    expect(objects.find((o) => o.kind === 'Service' && o.spec.type === 'NodePort')?.spec.ports[0].nodePort).toBe(31306);
  });

  it('installs on the simulator: the claim is bound, the init container runs, the pod is ready, and the generated password survives an upgrade', async () => {
    expect(await helm('install', 'db', pkg('minidb-1.0.0.tgz'), '--namespace', 'db-ns', '--create-namespace', '--wait', '--timeout', '60s')).toContain(
      'STATUS: deployed',
    );
    expect(await kubectl('get', 'pvc', 'data-db-minidb-0', '-n', 'db-ns', '-o', 'jsonpath={.status.phase}')).toBe('Bound');
    const pod = await eventually(async () => {
      const json = JSON.parse(await kubectl('get', 'pod', 'db-minidb-0', '-n', 'db-ns', '-o', 'json'));
      return json.status.containerStatuses?.[0]?.ready === true ? json : undefined;
    });
    expect(pod.metadata.labels).toMatchObject({ 'app.kubernetes.io/instance': 'db', 'app.kubernetes.io/name': 'minidb' });
    expect(pod.status.initContainerStatuses[0]).toMatchObject({ name: 'prepare-datadir', state: { terminated: { reason: 'Completed' } } });
    const password = await kubectl('get', 'secret', 'db-minidb', '-n', 'db-ns', '-o', 'jsonpath={.data.root-password}');
    expect(Buffer.from(password, 'base64').toString()).toMatch(/^[A-Za-z0-9]{24}$/);
    await helm('upgrade', 'db', pkg('minidb-1.0.0.tgz'), '--namespace', 'db-ns', '--set', 'database=other', '--wait', '--timeout', '60s');
    expect(await kubectl('get', 'secret', 'db-minidb', '-n', 'db-ns', '-o', 'jsonpath={.data.root-password}')).toBe(password);
  });
});

describe('kvcache', () => {
  it('renders a Deployment, a Service and a password Secret, all labelled, with small requests and fullnameOverride', async () => {
    const out = await helm('template', 'cache', pkg('kvcache-1.0.0.tgz'), '--set', 'password=s3cret', '--set', 'fullnameOverride=cache');
    const objects = parseAllDocuments(out).map((doc) => doc.toJS() as K8sObject);
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual(['Deployment/cache', 'Secret/cache', 'Service/cache']);
    for (const o of objects) expect(o.metadata.labels, o.kind).toMatchObject({ 'app.kubernetes.io/instance': 'cache', 'app.kubernetes.io/name': 'kvcache' });
    expect(Buffer.from(byKind(objects, 'Secret')?.data?.password ?? '', 'base64').toString()).toBe('s3cret');
    const container = byKind(objects, 'Deployment')?.spec.template.spec.containers[0];
    expect(container.resources.requests).toEqual({ cpu: '20m', memory: '32Mi' });
    expect(container.env).toContainEqual({ name: 'KVCACHE_PASSWORD', valueFrom: { secretKeyRef: { name: 'cache', key: 'password' } } });
    expect(container.args).toContain('$(KVCACHE_PASSWORD)');
    expect(out).not.toContain('s3cret');
    expect(byKind(objects, 'Service')?.spec.ports[0]).toMatchObject({ port: 6379, targetPort: 'redis' });
  });

  it('installs on the simulator, becomes ready, and keeps its generated password across an upgrade', async () => {
    const installed = await helm('install', 'kv', pkg('kvcache-1.0.0.tgz'), '--namespace', 'kv-ns', '--create-namespace', '--wait', '--timeout', '60s');
    expect(installed).toContain('STATUS: deployed');
    const ready = await eventually(async () => {
      const out = await kubectl(
        'get',
        'pods',
        '-n',
        'kv-ns',
        '-l',
        'app.kubernetes.io/instance=kv',
        '-o',
        'jsonpath={.items[*].status.containerStatuses[0].ready}',
      );
      return out === 'true' ? out : undefined;
    });
    expect(ready).toBe('true');
    const password = await kubectl('get', 'secret', 'kv-kvcache', '-n', 'kv-ns', '-o', 'jsonpath={.data.password}');
    expect(Buffer.from(password, 'base64').toString()).toMatch(/^[A-Za-z0-9]{24}$/);
    await helm('upgrade', 'kv', pkg('kvcache-1.0.0.tgz'), '--namespace', 'kv-ns', '--set', 'maxMemory=16mb', '--wait', '--timeout', '60s');
    expect(await kubectl('get', 'secret', 'kv-kvcache', '-n', 'kv-ns', '-o', 'jsonpath={.data.password}')).toBe(password);
  });
});
