import type { KubeObject } from '../store.js';
import type { EventRecorder } from './events.js';
import type { Controller, ControllerHost, Target } from './host.js';
import { parseQuantity } from './quantity.js';

const BINDER = { component: 'persistentvolume-controller' };
// How long the simulated provisioner takes to create a volume.
const PROVISIONING_MS = 500;
const NO_PROVISIONER = 'kubernetes.io/no-provisioner';
const YES = 'yes';

type ClaimRef = { apiVersion?: string; kind?: string; namespace?: string; name?: string; uid?: string; resourceVersion?: string };
type VolumeSpec = {
  capacity?: { storage?: string };
  accessModes?: string[];
  claimRef?: ClaimRef;
  storageClassName?: string;
  volumeMode?: string;
  persistentVolumeReclaimPolicy?: string;
};
type ClaimSpec = {
  storageClassName?: string;
  volumeName?: string;
  volumeMode?: string;
  accessModes?: string[];
  resources?: { requests?: { storage?: string } };
};
type PodVolumes = { nodeName?: string; volumes?: { persistentVolumeClaim?: { claimName?: string } }[] };

const specOf = <T>(object: KubeObject): T => (object.spec ?? {}) as T;
const phaseOf = (object: KubeObject): string | undefined => (object.status as { phase?: string } | undefined)?.phase;
const claimTarget = (namespace: string, name: string): Target => ({ group: '', plural: 'persistentvolumeclaims', namespace, name });
const volumeTarget = (name: string): Target => ({ group: '', plural: 'persistentvolumes', namespace: '', name });

/** What to reconcile for a store event: the claim or volume itself, and the other side of a binding. */
function targetsOf(event: { group: string; plural: string; namespace: string; name: string; object: KubeObject }, host: ControllerHost): Target[] {
  if (event.group === '' && event.plural === 'persistentvolumeclaims') {
    const volume = specOf<ClaimSpec>(event.object).volumeName;
    return [claimTarget(event.namespace, event.name), ...(volume ? [volumeTarget(volume)] : [])];
  }
  if (event.group === '' && event.plural === 'persistentvolumes') {
    const ref = specOf<VolumeSpec>(event.object).claimRef;
    return [volumeTarget(event.name), ...(ref?.namespace && ref.name ? [claimTarget(ref.namespace, ref.name)] : [])];
  }
  // A class created later, or the first pod using a WaitForFirstConsumer claim, unblocks pending claims.
  if (event.group === 'storage.k8s.io' && event.plural === 'storageclasses')
    return host
      .list('', 'persistentvolumeclaims')
      .filter((c) => phaseOf(c) === 'Pending' && specOf<ClaimSpec>(c).storageClassName === event.name)
      .map((c) => claimTarget(c.metadata.namespace ?? '', c.metadata.name));
  if (event.group === '' && event.plural === 'pods') {
    const pod = specOf<PodVolumes>(event.object);
    if (!pod.nodeName) return [];
    return (pod.volumes ?? []).flatMap((v) => (v.persistentVolumeClaim?.claimName ? [claimTarget(event.namespace, v.persistentVolumeClaim.claimName)] : []));
  }
  return [];
}

const fits = (claim: KubeObject, volume: KubeObject): boolean => {
  const c = specOf<ClaimSpec>(claim);
  const v = specOf<VolumeSpec>(volume);
  return (
    !v.claimRef &&
    !volume.metadata.deletionTimestamp &&
    (v.storageClassName ?? '') === (c.storageClassName ?? '') &&
    (v.volumeMode ?? 'Filesystem') === (c.volumeMode ?? 'Filesystem') &&
    (c.accessModes ?? []).every((m) => v.accessModes?.includes(m)) &&
    parseQuantity(v.capacity?.storage) >= parseQuantity(c.resources?.requests?.storage)
  );
};

/**
 * The PersistentVolume controller and a dynamic provisioner in one (kind's local-path-provisioner
 * stands behind every class): a pending claim binds to a fitting Available volume (the smallest)
 * or, when its class exists, gets a new `pvc-<uid>` volume after a short scaled delay
 * (`ExternalProvisioning`, `Provisioning`, `ProvisioningSucceeded` events). Binding writes the
 * volume's `claimRef` and phase Bound, then the claim's `volumeName`, bind annotations and phase
 * Bound. A claim of an unknown class stays Pending with a `ProvisioningFailed` warning. When the
 * claim goes, the volume is deleted (reclaim policy Delete) or Released (Retain).
 */
export function volumeBinder(events: EventRecorder): Controller {
  const provisionAt = new Map<string, number>(); // claim uid → when its volume is ready

  function bind(host: ControllerHost, claim: KubeObject, volume: KubeObject): void {
    const volumes = host.type('', 'persistentvolumes');
    const claims = host.type('', 'persistentvolumeclaims');
    const v = specOf<VolumeSpec>(volume);
    if (v.claimRef?.uid !== claim.metadata.uid) {
      const claimRef = {
        kind: 'PersistentVolumeClaim',
        namespace: claim.metadata.namespace,
        name: claim.metadata.name,
        uid: claim.metadata.uid,
        apiVersion: 'v1',
        resourceVersion: claim.metadata.resourceVersion,
      };
      const annotations = { ...volume.metadata.annotations, 'pv.kubernetes.io/bound-by-controller': YES };
      volume = host.rest.replace(volumes, volume, { ...volume, metadata: { ...volume.metadata, annotations }, spec: { ...v, claimRef } }, {});
    }
    if (phaseOf(volume) !== 'Bound') volume = host.rest.replace(volumes, volume, { ...volume, status: { phase: 'Bound' } }, { subresource: 'status' });
    const c = specOf<ClaimSpec>(claim);
    if (c.volumeName !== volume.metadata.name || claim.metadata.annotations?.['pv.kubernetes.io/bind-completed'] !== YES) {
      const annotations = {
        ...claim.metadata.annotations,
        'pv.kubernetes.io/bind-completed': YES,
        ...(c.volumeName ? {} : { 'pv.kubernetes.io/bound-by-controller': YES }),
      };
      claim = host.rest.replace(
        claims,
        claim,
        { ...claim, metadata: { ...claim.metadata, annotations }, spec: { ...c, volumeName: volume.metadata.name } },
        {},
      );
    }
    if (phaseOf(claim) !== 'Bound') {
      const { accessModes, capacity } = specOf<VolumeSpec>(volume);
      host.rest.replace(claims, claim, { ...claim, status: { phase: 'Bound', accessModes, capacity } }, { subresource: 'status' });
    }
  }

  function provision(host: ControllerHost, claim: KubeObject, storageClass: KubeObject, node: string | undefined): KubeObject {
    const c = specOf<ClaimSpec>(claim);
    const { namespace = '', name, uid = '' } = claim.metadata;
    const provisioner = String(storageClass.provisioner);
    const volume = host.rest.create(host.type('', 'persistentvolumes'), undefined, {
      metadata: { name: `pvc-${uid}`, annotations: { 'pv.kubernetes.io/provisioned-by': provisioner } },
      spec: {
        accessModes: c.accessModes,
        capacity: { storage: c.resources?.requests?.storage },
        claimRef: { apiVersion: 'v1', kind: 'PersistentVolumeClaim', namespace, name, uid, resourceVersion: claim.metadata.resourceVersion },
        hostPath: { path: `/var/local-path-provisioner/pvc-${uid}_${namespace}_${name}`, type: 'DirectoryOrCreate' },
        ...(node
          ? { nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [node] }] }] } } }
          : {}),
        persistentVolumeReclaimPolicy: storageClass.reclaimPolicy ?? 'Delete',
        storageClassName: storageClass.metadata.name,
        volumeMode: c.volumeMode ?? 'Filesystem',
        ...(Array.isArray(storageClass.mountOptions) ? { mountOptions: storageClass.mountOptions } : {}),
      },
    });
    events.record(claim, 'Normal', 'ProvisioningSucceeded', `Successfully provisioned volume ${volume.metadata.name}`, { component: provisioner });
    return volume;
  }

  function reconcileClaim(host: ControllerHost, claim: KubeObject): { afterMs: number } | undefined {
    if (claim.metadata.deletionTimestamp) return;
    const c = specOf<ClaimSpec>(claim);
    const uid = claim.metadata.uid ?? '';
    const volumes = host.list('', 'persistentvolumes');
    if (c.volumeName) {
      const volume = volumes.find((v) => v.metadata.name === c.volumeName);
      const ref = volume && specOf<VolumeSpec>(volume).claimRef;
      if (volume && (!ref || ref.uid === uid || (!ref.uid && ref.name === claim.metadata.name))) bind(host, claim, volume);
      else if (!volume && phaseOf(claim) === 'Bound') {
        host.rest.replace(
          host.type('', 'persistentvolumeclaims'),
          claim,
          { ...claim, status: { ...(claim.status as object), phase: 'Lost' } },
          { subresource: 'status' },
        );
        events.record(claim, 'Warning', 'ClaimLost', 'Bound claim has lost its PersistentVolume. Data on the volume is lost!', BINDER);
      }
      return;
    }
    const own = volumes.find((v) => {
      const ref = specOf<VolumeSpec>(v).claimRef;
      return ref?.uid === uid || (ref && !ref.uid && ref.namespace === claim.metadata.namespace && ref.name === claim.metadata.name);
    });
    const fitting = volumes.filter((v) => phaseOf(v) !== 'Released' && fits(claim, v));
    const match =
      own ?? fitting.sort((a, b) => parseQuantity(specOf<VolumeSpec>(a).capacity?.storage) - parseQuantity(specOf<VolumeSpec>(b).capacity?.storage))[0];
    if (match) return void bind(host, claim, match);
    const className = c.storageClassName ?? '';
    if (!className)
      return void events.record(claim, 'Normal', 'FailedBinding', 'no persistent volumes available for this claim and no storage class is set', BINDER);
    const storageClass = host.get('storage.k8s.io', 'storageclasses', '', className);
    if (!storageClass) return void events.record(claim, 'Warning', 'ProvisioningFailed', `storageclass.storage.k8s.io "${className}" not found`, BINDER);
    const provisioner = String(storageClass.provisioner);
    if (provisioner === NO_PROVISIONER) return;
    let node: string | undefined;
    if (storageClass.volumeBindingMode === 'WaitForFirstConsumer') {
      node = host
        .list('', 'pods', claim.metadata.namespace)
        .map((p) => specOf<PodVolumes>(p))
        .find((p) => p.nodeName && p.volumes?.some((v) => v.persistentVolumeClaim?.claimName === claim.metadata.name))?.nodeName;
      if (!node) return void events.record(claim, 'Normal', 'WaitForFirstConsumer', 'waiting for first consumer to be created before binding', BINDER);
    }
    const due = provisionAt.get(uid);
    if (due === undefined) {
      const key = `${claim.metadata.namespace}/${claim.metadata.name}`;
      events.record(
        claim,
        'Normal',
        'ExternalProvisioning',
        `Waiting for a volume to be created either by the external provisioner '${provisioner}' or manually by the system administrator. If volume creation is delayed, please verify that the provisioner is running and correctly registered.`,
        BINDER,
      );
      events.record(claim, 'Normal', 'Provisioning', `External provisioner is provisioning volume for claim "${key}"`, { component: provisioner });
      provisionAt.set(uid, Date.now() + host.scaled(PROVISIONING_MS));
      return { afterMs: host.scaled(PROVISIONING_MS) };
    }
    if (Date.now() < due) return { afterMs: due - Date.now() };
    provisionAt.delete(uid);
    bind(host, claim, provision(host, claim, storageClass, node));
    return;
  }

  // A volume whose claim is gone is reclaimed: deleted (Delete) or kept as Released (Retain).
  function reconcileVolume(host: ControllerHost, volume: KubeObject): void {
    const v = specOf<VolumeSpec>(volume);
    const type = host.type('', 'persistentvolumes');
    if (!v.claimRef) {
      if (phaseOf(volume) !== 'Available') host.rest.replace(type, volume, { ...volume, status: { phase: 'Available' } }, { subresource: 'status' });
      return;
    }
    if (!v.claimRef.uid || phaseOf(volume) === 'Released' || phaseOf(volume) === 'Failed') return;
    const claim = host.get('', 'persistentvolumeclaims', v.claimRef.namespace ?? '', v.claimRef.name ?? '');
    if (claim?.metadata.uid === v.claimRef.uid) return;
    if (v.persistentVolumeReclaimPolicy === 'Delete') host.rest.deleter.delete(type, undefined, volume.metadata.name);
    else host.rest.replace(type, volume, { ...volume, status: { phase: 'Released' } }, { subresource: 'status' });
  }

  return {
    name: 'persistentvolume-binder',
    targetsOf,
    initialTargets: (host) => [
      ...host.list('', 'persistentvolumeclaims').map((c) => claimTarget(c.metadata.namespace ?? '', c.metadata.name)),
      ...host.list('', 'persistentvolumes').map((v) => volumeTarget(v.metadata.name)),
    ],
    reconcile(target, host) {
      if (target.plural === 'persistentvolumes') {
        const volume = host.get('', 'persistentvolumes', '', target.name);
        if (volume) reconcileVolume(host, volume);
        return;
      }
      const claim = host.get('', 'persistentvolumeclaims', target.namespace, target.name);
      if (!claim) {
        for (const [uid] of provisionAt) if (!host.list('', 'persistentvolumeclaims').some((c) => c.metadata.uid === uid)) provisionAt.delete(uid);
        return;
      }
      return reconcileClaim(host, claim);
    },
  };
}
