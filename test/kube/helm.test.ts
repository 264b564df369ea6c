import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeChart as writeTestChart } from './charts.js';
import { startTestCluster, type TestCluster } from './cluster.js';

/** A chart written for the test: a ConfigMap, a Secret, and an optional second ConfigMap. */
function writeChart(): string {
  return writeTestChart('demo', 'greeting: hello\nextra: true\n', {
    'objects.yaml': [
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-config\ndata:\n  greeting: {{ .Values.greeting | quote }}\n',
      'apiVersion: v1\nkind: Secret\nmetadata:\n  name: {{ .Release.Name }}-secret\nstringData:\n  password: s3cret\n',
      '{{- if .Values.extra }}\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-extra\ndata:\n  x: "1"\n{{- end }}\n',
    ].join('---\n'),
  });
}

type Release = { name: string; namespace: string; revision: string | number; status: string };

// The real helm v4 from the Lambda layer: server-side apply, protobuf Secret bodies, release Secrets.
describe('helm against the Kubernetes simulator', () => {
  let cluster: TestCluster;
  const chart = writeChart();
  const helm = (...args: string[]): Promise<string> => cluster.cli('helm', args);
  const kubectl = (...args: string[]): Promise<string> => cluster.cli('kubectl', args);
  const greeting = (): Promise<string> => kubectl('get', 'cm', 'demo-config', '-o', 'jsonpath={.data.greeting}');
  const configMaps = async (): Promise<string[]> => (await kubectl('get', 'cm', '-o', 'name')).split('\n').filter(Boolean).sort();

  beforeAll(async () => {
    cluster = await startTestCluster();
  });
  afterAll(async () => {
    await cluster.stop();
  });

  it('installs a chart with the default wait and lists it', async () => {
    expect(await helm('install', 'demo', chart)).toContain('STATUS: deployed');
    expect(await configMaps()).toEqual(['configmap/demo-config', 'configmap/demo-extra']);
    expect(await kubectl('get', 'secret', 'demo-secret', '-o', 'jsonpath={.data.password}')).toBe(Buffer.from('s3cret').toString('base64'));
    const releases = JSON.parse(await helm('list', '-A', '-o', 'json')) as Release[];
    expect(releases.map((r) => [r.name, r.namespace, r.status])).toEqual([['demo', 'default', 'deployed']]);
  });

  it('upgrades: a changed value is applied and a ConfigMap dropped from the chart is deleted', async () => {
    await helm('upgrade', 'demo', chart, '--set', 'greeting=bye', '--set', 'extra=false');
    expect(await greeting()).toBe('bye');
    expect(await configMaps()).toEqual(['configmap/demo-config']);
    const history = JSON.parse(await helm('history', 'demo', '-o', 'json')) as { revision: number; status: string }[];
    expect(history.map((h) => [h.revision, h.status])).toEqual([
      [1, 'superseded'],
      [2, 'deployed'],
    ]);
  });

  it('rolls back to revision 1 and reports the status', async () => {
    await helm('rollback', 'demo', '1');
    expect(await greeting()).toBe('hello');
    expect(await configMaps()).toEqual(['configmap/demo-config', 'configmap/demo-extra']);
    const status = JSON.parse(await helm('status', 'demo', '-o', 'json')) as { version: number; info: { status: string; description: string } };
    expect([status.version, status.info.status, status.info.description]).toEqual([3, 'deployed', 'Rollback to 1']);
  });

  it('uninstalls with --keep-history, keeping the release record but not the objects', async () => {
    await helm('uninstall', 'demo', '--keep-history');
    expect(await configMaps()).toEqual([]);
    const history = JSON.parse(await helm('history', 'demo', '-o', 'json')) as { status: string }[];
    expect(history.at(-1)?.status).toBe('uninstalled');
  });

  it('uninstalls for good: no release Secrets remain', async () => {
    await helm('install', 'again', chart);
    await helm('uninstall', 'again');
    await helm('uninstall', 'demo');
    expect((await kubectl('get', 'secrets', '-l', 'owner=helm', '-o', 'name')).trim()).toBe('');
    expect(JSON.parse(await helm('list', '-A', '-o', 'json'))).toEqual([]);
  });

  it('installs with --wait (the kstatus watcher, which opens watch-list requests) and finishes', async () => {
    expect(await helm('install', 'waited', chart, '--wait', '--timeout', '60s')).toContain('STATUS: deployed');
    await helm('uninstall', 'waited');
  });

  it('installs and upgrades with --server-side=false (client-side apply: POST, then strategic merge patch)', async () => {
    await helm('install', 'csa', chart, '--server-side=false');
    await helm('upgrade', 'csa', chart, '--set', 'greeting=patched', '--set', 'extra=false');
    expect(await kubectl('get', 'cm', 'csa-config', '-o', 'jsonpath={.data.greeting}')).toBe('patched');
    expect((await kubectl('get', 'cm', 'csa-extra', '--ignore-not-found', '-o', 'name')).trim()).toBe('');
    await helm('uninstall', 'csa');
  });

  it('renders with `helm template --validate` against the cluster’s discovery and OpenAPI', async () => {
    const rendered = await helm('template', 'checked', chart, '--validate');
    expect(rendered).toContain('name: checked-config');
    await expect(helm('template', 'checked', chart, '--validate', '--set', 'greeting=x', '--api-versions', 'v1')).resolves.toContain('kind: Secret');
  });

  it('installs a chart with a CRD (crds/) and a custom resource of it; uninstall keeps the CRD, as helm does', async () => {
    const crdChart = writeTestChart('widgets', 'size: 3\n', {
      'widget.yaml': 'apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: {{ .Release.Name }}-widget\nspec:\n  size: {{ .Values.size }}\n',
    });
    mkdirSync(join(crdChart, 'crds'));
    writeFileSync(
      join(crdChart, 'crds', 'widgets.yaml'),
      `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.example.com}
spec:
  group: example.com
  scope: Namespaced
  names: {kind: Widget, plural: widgets, singular: widget, shortNames: [wd]}
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec: {type: object, properties: {size: {type: integer}}}
`,
    );
    expect(await helm('install', 'gadgets', crdChart, '--wait', '--timeout', '60s')).toContain('STATUS: deployed');
    expect(await kubectl('get', 'wd', 'gadgets-widget', '-o', 'jsonpath={.spec.size}')).toBe('3');
    await helm('upgrade', 'gadgets', crdChart, '--set', 'size=5');
    expect(await kubectl('get', 'widgets.example.com', 'gadgets-widget', '-o', 'jsonpath={.spec.size}')).toBe('5');
    await helm('uninstall', 'gadgets');
    expect((await kubectl('get', 'widgets', '-A', '-o', 'name')).trim()).toBe('');
    expect(await kubectl('get', 'crd', 'widgets.example.com', '-o', 'name')).toContain('widgets.example.com');
  });
});
