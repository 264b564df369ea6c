import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startTestCluster, type TestCluster } from './cluster.js';

type Claim = {
  metadata: { name: string; uid: string; annotations?: Record<string, string>; finalizers?: string[] };
  spec: { storageClassName?: string; volumeMode?: string; volumeName?: string };
  status: { phase: string; capacity?: { storage: string }; accessModes?: string[] };
};
type Volume = {
  metadata: { name: string; annotations?: Record<string, string> };
  spec: Record<string, unknown> & { claimRef?: { name: string; namespace: string; uid: string }; persistentVolumeReclaimPolicy: string };
  status: { phase: string };
};

// The real kubectl against the simulator's default StorageClass, claim admission and volume binder.
describe('StorageClasses, claims and volumes', () => {
  let cluster: TestCluster;
  const dir = mkdtempSync(join(tmpdir(), 'storage-'));
  const kubectl = (...args: string[]): Promise<string> => cluster.cli('kubectl', args);
  const apply = (name: string, text: string): Promise<string> => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return kubectl('apply', '-f', path);
  };
  const getJson = async <T>(...args: string[]): Promise<T> => JSON.parse(await kubectl('get', ...args, '-o', 'json')) as T;
  const claim = (name: string): Promise<Claim> => getJson<Claim>('pvc', name, '-n', 'vol');
  const volume = (name: string): Promise<Volume> => getJson<Volume>('pv', name);
  const claimYaml = (name: string, extra = ''): string =>
    `apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: ${name}\n  namespace: vol\nspec:\n  accessModes: [ReadWriteOnce]\n  resources:\n    requests:\n      storage: 1Gi\n${extra}`;
  const bound = (name: string): Promise<Claim> =>
    eventually(async () => {
      const found = await claim(name);
      return found.status.phase === 'Bound' ? found : undefined;
    });
  const reasons = async (name: string): Promise<string[]> =>
    (await kubectl('get', 'events', '-n', 'vol', '--field-selector', `involvedObject.name=${name}`, '-o', 'jsonpath={.items[*].reason}')).split(' ');

  beforeAll(async () => {
    cluster = await startTestCluster();
    await kubectl('create', 'ns', 'vol');
  });
  afterAll(async () => {
    await cluster.stop();
  });

  it('starts with the default StorageClass standard', async () => {
    const standard = await getJson<Record<string, unknown>>('storageclass', 'standard');
    expect(standard).toMatchObject({
      metadata: { annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } },
      provisioner: 'rancher.io/local-path',
      reclaimPolicy: 'Delete',
      volumeBindingMode: 'Immediate',
    });
  });

  it('binds a claim applied without a class to a provisioned volume of the default class, and deletes it with the claim', async () => {
    await apply('data.yaml', claimYaml('data'));
    const pending = await claim('data');
    expect(pending.spec).toMatchObject({ storageClassName: 'standard', volumeMode: 'Filesystem' });
    expect(pending.metadata.finalizers).toBeUndefined();

    const data = await bound('data');
    expect(data.spec.volumeName).toBe(`pvc-${data.metadata.uid}`);
    expect(data.status).toEqual({ phase: 'Bound', accessModes: ['ReadWriteOnce'], capacity: { storage: '1Gi' } });
    expect(data.metadata.annotations).toMatchObject({ 'pv.kubernetes.io/bind-completed': 'yes', 'pv.kubernetes.io/bound-by-controller': 'yes' });

    const pv = await eventually(async () => {
      const found = await volume(data.spec.volumeName ?? '');
      return found.status.phase === 'Bound' ? found : undefined;
    });
    expect(pv.metadata.annotations).toMatchObject({ 'pv.kubernetes.io/provisioned-by': 'rancher.io/local-path' });
    expect(pv.spec).toMatchObject({
      capacity: { storage: '1Gi' },
      accessModes: ['ReadWriteOnce'],
      storageClassName: 'standard',
      persistentVolumeReclaimPolicy: 'Delete',
      volumeMode: 'Filesystem',
      claimRef: { kind: 'PersistentVolumeClaim', namespace: 'vol', name: 'data', uid: data.metadata.uid },
      hostPath: { path: expect.stringContaining(`pvc-${data.metadata.uid}_vol_data`) as unknown, type: 'DirectoryOrCreate' },
    });
    expect(await reasons('data')).toEqual(expect.arrayContaining(['ExternalProvisioning', 'Provisioning', 'ProvisioningSucceeded']));

    await kubectl('delete', 'pvc', 'data', '-n', 'vol');
    await eventually(async () => ((await kubectl('get', 'pv', '-o', 'name')).includes(pv.metadata.name) ? undefined : true));
  });

  it('leaves a claim of an unknown class Pending with a warning, binds it once the class exists, and releases a Retain volume', async () => {
    await apply('fast.yaml', claimYaml('fast-data', '  storageClassName: fast\n'));
    const message = await eventually(
      async () =>
        (await kubectl(
          'get',
          'events',
          '-n',
          'vol',
          '--field-selector',
          'involvedObject.name=fast-data,reason=ProvisioningFailed',
          '-o',
          'jsonpath={.items[0].type} {.items[0].message}',
        )) || undefined,
    );
    expect(message).toBe('Warning storageclass.storage.k8s.io "fast" not found');
    expect((await claim('fast-data')).status.phase).toBe('Pending');

    await apply(
      'fast-class.yaml',
      'apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata:\n  name: fast\nprovisioner: rancher.io/local-path\nreclaimPolicy: Retain\n',
    );
    const fast = await bound('fast-data');
    await kubectl('delete', 'pvc', 'fast-data', '-n', 'vol');
    const released = await eventually(async () => {
      const found = await volume(fast.spec.volumeName ?? '');
      return found.status.phase === 'Released' ? found : undefined;
    });
    expect(released.spec.persistentVolumeReclaimPolicy).toBe('Retain');
  });

  it('binds a claim to a fitting pre-created volume of its class', async () => {
    await apply(
      'manual-pv.yaml',
      'apiVersion: v1\nkind: PersistentVolume\nmetadata:\n  name: manual-5g\nspec:\n  storageClassName: manual\n  capacity: {storage: 5Gi}\n  accessModes: [ReadWriteOnce]\n  hostPath: {path: /data/manual}\n',
    );
    await eventually(async () => ((await volume('manual-5g')).status.phase === 'Available' ? true : undefined));
    await apply('manual.yaml', claimYaml('manual-data', '  storageClassName: manual\n'));
    const manual = await bound('manual-data');
    expect(manual.spec.volumeName).toBe('manual-5g');
    expect(manual.status.capacity).toEqual({ storage: '5Gi' });
    expect((await volume('manual-5g')).spec.persistentVolumeReclaimPolicy).toBe('Retain');
  });
});
