import { CoreV1Api } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CatalogEntry } from '../../functions/appstore/catalog.js';
import type { HelmRuntime } from '../helm/helpers.js';
import { startHelmRuntime } from '../helm/helpers.js';

let rt: HelmRuntime;
let seeds: readonly CatalogEntry[] = [];
beforeAll(async () => {
  rt = await startHelmRuntime();
  // After the runtime has set the functions' environment (the catalog module reads it on import).
  seeds = (await import('../../functions/appstore/catalog.js')).SEED_ENTRIES;
}, 120_000);
afterAll(async () => rt?.stop());

const HEADERS = { Version: '1.0', Language: 'en-US' };
const store = (path: string, body: Record<string, unknown>) => rt.call('POST', path, { body, headers: HEADERS });
const seed = (name: string) => structuredClone(seeds.find((e) => e.app_name === name)) as CatalogEntry;

async function until<T>(read: () => Promise<T>, ok: (value: T) => boolean, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (ok(value)) return value;
    if (Date.now() > deadline) throw new Error(`${what}: last ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
const status = (appId: string) => store('/AppStatus', { app_id: appId }).then((r) => r.body.ResponseData);

describe('app store failures and data', () => {
  it('refuses an app bigger than the free capacity with what is short, and creates nothing', async () => {
    const big = { ...seed('podinfo'), app_name: 'bigweb', version: '1.0.0' };
    big.values = { ...big.values, replicaCount: 3, resources: { requests: { cpu: '10m', memory: '20Gi' } } };
    expect((await store('/AppCatalogSave', big)).status).toBe(200);
    const reply = await store('/AppInstall', { app_name: 'bigweb', customer_app_name: 'big1', app_version: '1.0.0' });
    expect(reply.status).toBe(404);
    expect(reply.body.ResponseData.Error.Code).toBe('Requirement.NotEnough');
    expect(reply.body.ResponseData.Error.Message).toMatch(/memory/);
    expect((await status('big1')).Error.Code).toBe('APP.NotExis');
    const namespaces = await (await rt.kube()).makeApiClient(CoreV1Api).listNamespace();
    expect(namespaces.items.map((n) => n.metadata?.name)).not.toContain('app-big1');
  });

  it('answers ContainerCommandError with the reason when the cluster side refuses (a catalog entry naming an unknown repository)', async () => {
    const orphan = { ...seed('podinfo'), app_name: 'orphan', version: '1.0.0', chart: { repo: 'norepo', chart: 'podinfo', version: '6.5.4' } };
    expect((await store('/AppCatalogSave', orphan)).status).toBe(200);
    const reply = await store('/AppInstall', { app_name: 'orphan', customer_app_name: 'orphan1', app_version: '1.0.0' });
    expect(reply.body.ResponseData.Error.Code).toBe('ContainerCommandError');
    expect(reply.body.ResponseData.Error.Message).toContain('norepo');
    expect((await status('orphan1')).Error.Code).toBe('APP.NotExis');
  });

  it('reports 50 with the reason for an image that cannot be pulled', async () => {
    const broken = { ...seed('podinfo'), app_name: 'brokenweb', version: '1.0.0' };
    broken.values = { ...broken.values, image: { repository: 'registry.invalid/podinfo' } };
    expect((await store('/AppCatalogSave', broken)).status).toBe(200);
    await store('/AppInstall', { app_name: 'brokenweb', customer_app_name: 'broken1', app_version: '1.0.0' });
    const failed = await until(
      () => status('broken1'),
      (s) => s.status_code === '50',
      'broken1 never reached 50',
    );
    expect(failed.status).toBe('error');
    expect(failed.status_reason).toMatch(/ImagePullBackOff: registry\.invalid\/podinfo:6\.5\.4$/);
  });

  it('uninstalls the database keeping its volume, and a reinstall under the same name finds it again', async () => {
    await store('/AppInstall', { app_name: 'minidb', customer_app_name: 'db1', app_version: '1.0.0' });
    await until(
      () => status('db1'),
      (s) => s.status_code === '30',
      'db1 never ran',
      60_000,
    );
    const core = (await rt.kube()).makeApiClient(CoreV1Api);
    const claims = async () =>
      (await core.listNamespacedPersistentVolumeClaim({ namespace: 'app-db1' })).items.map((c) => `${c.metadata?.name}@${c.metadata?.uid}`);
    const before = await claims();
    expect(before).toHaveLength(1);
    await store('/AppUninstall', { app_id: 'db1', keep_data: true });
    await until(
      () => status('db1'),
      (s) => s.Error?.Code === 'APP.NotExis',
      'db1 was not uninstalled',
    );
    expect(await claims()).toEqual(before);
    await store('/AppInstall', { app_name: 'minidb', customer_app_name: 'db1', app_version: '1.0.0' });
    await until(
      () => status('db1'),
      (s) => s.status_code === '30',
      'db1 did not run again',
      60_000,
    );
    expect(await claims()).toEqual(before);
  });
});
