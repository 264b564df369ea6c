import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startTestCluster, type TestCluster } from './cluster.js';

// The real kubectl from the Lambda layer, against the simulator, as a person would use it.
describe('kubectl against the Kubernetes simulator', () => {
  let cluster: TestCluster;
  const dir = mkdtempSync(join(tmpdir(), 'kubectl-manifests-'));
  const manifest = (name: string, text: string): string => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };
  const kubectl = (...args: string[]): Promise<string> => cluster.cli('kubectl', args);

  beforeAll(async () => {
    cluster = await startTestCluster();
  });
  afterAll(async () => {
    await cluster.stop();
  });

  it('reports the server version of the kubectl in the layer', async () => {
    const version = JSON.parse(await kubectl('version', '-o', 'json')) as { serverVersion: { gitVersion: string }; clientVersion: { minor: string } };
    expect(version.serverVersion.gitVersion).toMatch(/^v1\.33\./);
  });

  it('lists the namespaces a cluster starts with and creates one', async () => {
    expect(await kubectl('get', 'ns', '-o', 'name')).toContain('namespace/kube-system');
    expect(await kubectl('create', 'ns', 'x')).toContain('namespace/x created');
    expect(await kubectl('get', 'ns', 'x', '-o', 'jsonpath={.status.phase}')).toBe('Active');
  });

  it('applies a ConfigMap and a Service, then re-applies with a changed and a removed field (strategic merge patch)', async () => {
    const cm = (data: string): string =>
      `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: demo\n  namespace: x\n  labels: {app: demo}\ndata:\n${data}\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  namespace: x\nspec:\n  selector: {app: demo}\n  ports:\n  - {name: http, port: 80, targetPort: 8080}\n`;
    expect(await kubectl('apply', '-f', manifest('v1.yaml', cm('  a: "1"\n  b: "2"')))).toContain('configmap/demo created');
    expect(await kubectl('apply', '-f', manifest('v2.yaml', cm('  a: "9"')))).toContain('configmap/demo configured');
    const list = JSON.parse(await kubectl('get', 'cm', '-n', 'x', '-o', 'json')) as { items: { metadata: { name: string }; data: Record<string, string> }[] };
    expect(list.items.find((i) => i.metadata.name === 'demo')?.data).toEqual({ a: '9' });
    expect(await kubectl('get', 'svc', 'web', '-n', 'x', '-o', 'jsonpath={.spec.ports[0].port}')).toBe('80');
  });

  it('selects ConfigMaps by label across namespaces', async () => {
    expect((await kubectl('get', 'cm', '-A', '-l', 'app=demo', '-o', 'name')).trim()).toBe('configmap/demo');
    expect((await kubectl('get', 'cm', '-A', '-l', 'app in (other)', '-o', 'name')).trim()).toBe('');
  });

  it('server-side applies, and a field dropped from the applied manifest is removed', async () => {
    const ssa = (data: string): string => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ssa\n  namespace: x\ndata:\n${data}\n`;
    expect(await kubectl('apply', '--server-side', '-f', manifest('s1.yaml', ssa('  a: "1"\n  b: "2"')))).toContain('serverside-applied');
    await kubectl('apply', '--server-side', '-f', manifest('s2.yaml', ssa('  a: "1"')));
    expect(await kubectl('get', 'cm', 'ssa', '-n', 'x', '-o', 'jsonpath={.data}')).toBe('{"a":"1"}');
  });

  it('streams a watch event to `kubectl get --watch`, and deletes a ConfigMap', async () => {
    const watcher = cluster.spawnCli('kubectl', ['get', 'cm', '-n', 'x', '--watch', '--output-watch-events']);
    let output = '';
    watcher.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    try {
      await eventually(() => (/ADDED\s+demo/.test(output) ? true : undefined));
      expect(await kubectl('delete', 'cm', 'demo', '-n', 'x')).toContain('deleted');
      await eventually(() => (/DELETED\s+demo/.test(output) ? true : undefined));
    } finally {
      watcher.kill();
    }
    await expect(kubectl('get', 'cm', 'demo', '-n', 'x')).rejects.toThrow(/NotFound/);
  });

  it('deletes a namespace together with its contents', async () => {
    await kubectl('delete', 'ns', 'x');
    // What the cluster itself keeps (the `kubernetes` Service in default) stays.
    const left = await kubectl('get', 'cm,svc', '-A', '-o', 'jsonpath={range .items[*]}{.metadata.namespace}/{.metadata.name} {end}');
    expect(left.trim().split(' ')).toEqual(['default/kubernetes']);
    await expect(kubectl('get', 'ns', 'x')).rejects.toThrow(/NotFound/);
  });
});
