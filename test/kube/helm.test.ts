import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCluster, type TestCluster } from './cluster.js';

/** A chart written for the test: a ConfigMap, a Secret, and an optional second ConfigMap. */
function writeChart(): string {
  const dir = mkdtempSync(join(tmpdir(), 'helm-chart-'));
  mkdirSync(join(dir, 'templates'));
  writeFileSync(join(dir, 'Chart.yaml'), 'apiVersion: v2\nname: demo\nversion: 0.1.0\n');
  writeFileSync(join(dir, 'values.yaml'), 'greeting: hello\nextra: true\n');
  writeFileSync(
    join(dir, 'templates', 'objects.yaml'),
    [
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-config\ndata:\n  greeting: {{ .Values.greeting | quote }}\n',
      'apiVersion: v1\nkind: Secret\nmetadata:\n  name: {{ .Release.Name }}-secret\nstringData:\n  password: s3cret\n',
      '{{- if .Values.extra }}\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-extra\ndata:\n  x: "1"\n{{- end }}\n',
    ].join('---\n'),
  );
  return dir;
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
});
