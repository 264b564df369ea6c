import type { KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type * as CatalogModule from '../../functions/appstore/catalog.js';
import type * as CapacityModule from '../../functions/appstore/capacity.js';
import type { HelmRuntime } from '../helm/helpers.js';
import { settled, startHelmRuntime, waitForApp } from '../helm/helpers.js';

const GI = 2 ** 30;
const MI = 2 ** 20;

let rt: HelmRuntime;
let cluster: { kc: KubeConfig; kubeconfig: string };
/** Imported after the runtime has set the environment the functions' config module reads. */
let catalog: typeof CatalogModule;
let capacity: typeof CapacityModule;

beforeAll(async () => {
  rt = await startHelmRuntime();
  catalog = await import('../../functions/appstore/catalog.js');
  capacity = await import('../../functions/appstore/capacity.js');
  cluster = { kc: await rt.kube(), kubeconfig: rt.kubeconfig ?? '' };
});
afterAll(async () => rt?.stop());

const entry = async (name: string, version: string) => {
  const found = await catalog.getCatalogEntry(name, version);
  if (!found) throw new Error(`no catalog entry ${name}@${version}`);
  return found;
};

describe('the capacity check against the simulator (3 nodes of 4 CPU, 8Gi)', () => {
  it('passes the catalog apps with their default values, with requirements from the rendered charts', async () => {
    for (const [name, version] of [
      ['podinfo', '6.5.4'],
      ['minidb', '1.0.0'],
      ['kvcache', '1.0.0'],
    ] as const) {
      const app = await entry(name, version);
      const check = await capacity.checkCapacity(app, catalog.entryValues(app, 'fits'), cluster, { release: 'fits' });
      expect(check.shortages, name).toEqual([]);
      expect(check.free.nodes).toBe(3);
    }
    const minidb = await entry('minidb', '1.0.0');
    const check = await capacity.checkCapacity(minidb, catalog.entryValues(minidb, 'db'), cluster, { release: 'db' });
    // The StatefulSet's pod (its init container is smaller) and its 1Gi claim template.
    expect(check.required.total).toEqual({ cpu: 0.05, memory: 128 * MI, storage: GI });
  });

  it('refuses a chart whose requests pass the free memory, saying what is short and by how much', async () => {
    const podinfo = await entry('podinfo', '6.5.4');
    const values = { ...catalog.entryValues(podinfo, 'big'), replicaCount: 4, resources: { requests: { cpu: '100m', memory: '7Gi' } } };
    const check = await capacity.checkCapacity(podinfo, values, cluster, { release: 'big' });
    expect(check.shortages).toHaveLength(1);
    expect(check.shortages[0]).toMatchObject({ resource: 'memory', scope: 'cluster', required: '28Gi' });
    expect(check.message['en-US']).toMatch(/^not enough memory: the app needs 28Gi, the cluster has [\d.]+Gi free \([\d.]+Gi short\)$/);
    expect(check.message['zh-CN']).toMatch(/^内存不足: 应用需要 28Gi/);
    await expect(capacity.requireCapacity(podinfo, values, cluster, 'zh-CN', { release: 'big' })).rejects.toMatchObject({
      code: 'Requirement.NotEnough',
      message: check.message['zh-CN'],
    });
    // Nothing was created for it.
    expect((await rt.call('GET', '/v1/apps')).body.data).toEqual([]);
  });

  it('refuses a pod bigger than any node even when the cluster has enough in sum', async () => {
    const podinfo = await entry('podinfo', '6.5.5');
    const values = { ...catalog.entryValues(podinfo, 'wide'), resources: { requests: { cpu: '5', memory: '64Mi' } } };
    const check = await capacity.checkCapacity(podinfo, values, cluster, { release: 'wide' });
    expect(check.shortages).toEqual([expect.objectContaining({ resource: 'cpu', scope: 'node', required: '5' })]);
  });

  it('counts what is installed: free memory drops by the pod requests and free storage by the claim', async () => {
    const before = await capacity.clusterFree(cluster.kc);
    const created = await rt.call('POST', '/v1/apps', {
      body: { name: 'db', namespace: 'app-db', chart: 'myrepo/minidb', version: '1.0.0', values: { fullnameOverride: 'db' } },
    });
    expect(created.status).toBe(201);
    expect(await waitForApp(rt, '/v1/apps/db?namespace=app-db', settled, 60_000)).toMatchObject({ status: 'active' });
    const after = await capacity.clusterFree(cluster.kc);
    expect(before.total.memory - after.total.memory).toBe(128 * MI);
    expect(before.total.storage - after.total.storage).toBe(GI);
  });

  it('refuses storage beyond the storage budget', async () => {
    const minidb = await entry('minidb', '1.0.0');
    const check = await capacity.checkCapacity(minidb, catalog.entryValues(minidb, 'db2'), cluster, { release: 'db2', storageBudgetBytes: 1.5 * GI });
    // The budget less the 1Gi claim of the installed db leaves 512Mi.
    expect(check.shortages).toEqual([{ resource: 'storage', scope: 'cluster', required: '1Gi', free: '512Mi', short: '512Mi' }]);
    expect(check.message['en-US']).toBe('not enough storage: the app needs 1Gi, the cluster has 512Mi free (512Mi short)');
  });

  it('lets the installed app upgrade within the same budget: its own claim and pods count as free', async () => {
    const minidb = await entry('minidb', '1.0.0');
    const options = { release: 'db', storageBudgetBytes: 1.5 * GI };
    expect((await capacity.checkCapacity(minidb, catalog.entryValues(minidb, 'db'), cluster, options)).shortages).toHaveLength(1);
    const upgrade = await capacity.checkCapacity(minidb, catalog.entryValues(minidb, 'db'), cluster, { ...options, upgrade: true });
    expect(upgrade.shortages).toEqual([]);
    expect(upgrade.free.total.storage).toBe(1.5 * GI);
  });
});
