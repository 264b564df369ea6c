import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startTestCluster } from './cluster.js';

type Obj = { metadata: { name: string; resourceVersion: string; uid: string } };

// A control plane restart must not forget objects (helm's release Secrets among them).
describe('Kubernetes simulator persistence', () => {
  it('keeps objects, custom types, credentials and the resourceVersion counter across a restart on the same data dir', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'kube-persist-'));
    const first = await startTestCluster({ dataDir });
    const created = (await (
      await first.api('/api/v1/namespaces/default/configmaps', {
        method: 'POST',
        body: JSON.stringify({ metadata: { name: 'kept' }, data: { a: '1' } }),
        headers: { 'Content-Type': 'application/json' },
      })
    ).json()) as Obj;
    const crd = {
      metadata: { name: 'gadgets.example.com' },
      spec: { group: 'example.com', scope: 'Cluster', names: { kind: 'Gadget', plural: 'gadgets' }, versions: [{ name: 'v1', served: true, storage: true }] },
    };
    await first.api('/apis/apiextensions.k8s.io/v1/customresourcedefinitions', {
      method: 'POST',
      body: JSON.stringify(crd),
      headers: { 'Content-Type': 'application/json' },
    });
    await first.stop();

    const second = await startTestCluster({ dataDir });
    try {
      expect(second.token).toBe(first.token);
      const kept = (await (await second.api('/api/v1/namespaces/default/configmaps/kept')).json()) as Obj;
      expect(kept.metadata.uid).toBe(created.metadata.uid);
      expect((await second.api('/apis/example.com/v1/gadgets')).status).toBe(200);
      const next = (await (
        await second.api('/api/v1/namespaces/default/configmaps', {
          method: 'POST',
          body: JSON.stringify({ metadata: { name: 'later' } }),
          headers: { 'Content-Type': 'application/json' },
        })
      ).json()) as Obj;
      expect(Number(next.metadata.resourceVersion)).toBeGreaterThan(Number(created.metadata.resourceVersion) + 1);
      expect(await second.cli('kubectl', ['get', 'cm', 'kept', '-o', 'jsonpath={.data.a}'])).toBe('1');
    } finally {
      await second.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
