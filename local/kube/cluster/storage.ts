import type { Admitter, KubeRest } from '../rest.js';
import type { KubeObject } from '../store.js';
import type { EventRecorder } from './events.js';
import { invalidObject, type FieldError } from './field-errors.js';
import type { Controller } from './host.js';
import { volumeBinder } from './volume-binder.js';

export const DEFAULT_CLASS_ANNOTATION = 'storageclass.kubernetes.io/is-default-class';

/** The StorageClass kind's local-path-provisioner installs, which the cluster starts with. */
export const DEFAULT_STORAGE_CLASS: KubeObject = {
  apiVersion: 'storage.k8s.io/v1',
  kind: 'StorageClass',
  metadata: { name: 'standard', annotations: { [DEFAULT_CLASS_ANNOTATION]: 'true' } },
  provisioner: 'rancher.io/local-path',
  reclaimPolicy: 'Delete',
  volumeBindingMode: 'Immediate',
};

type ClaimSpec = {
  storageClassName?: string | null;
  volumeMode?: string;
  volumeName?: string;
  accessModes?: unknown[];
  resources?: { requests?: Record<string, unknown> };
};
const objectOr = <T>(value: unknown): T => (value && typeof value === 'object' && !Array.isArray(value) ? (value as T) : ({} as T));

// The DefaultStorageClass admission plugin: the newest class annotated as default.
function defaultClassName(rest: KubeRest): string | undefined {
  return rest.store
    .list('storage.k8s.io', 'storageclasses')
    .filter((c) => c.metadata.annotations?.[DEFAULT_CLASS_ANNOTATION] === 'true')
    .map((c) => ({ name: c.metadata.name, created: typeof c.metadata.creationTimestamp === 'string' ? c.metadata.creationTimestamp : '' }))
    .sort((a, b) => b.created.localeCompare(a.created))[0]?.name;
}

function admitClaim(object: KubeObject, live: KubeObject | undefined, rest: KubeRest): void {
  const spec = objectOr<ClaimSpec>(object.spec);
  const old = live ? objectOr<ClaimSpec>(live.spec) : undefined;
  if (old) {
    // A PUT that leaves out what the cluster filled in (the class, the bound volume) keeps it.
    if (spec.storageClassName == null && old.storageClassName != null) spec.storageClassName = old.storageClassName;
    if (!spec.volumeName && old.volumeName) spec.volumeName = old.volumeName;
  } else if (spec.storageClassName == null) {
    const name = defaultClassName(rest);
    if (name) spec.storageClassName = name;
  }
  spec.volumeMode ??= 'Filesystem';
  const errors: FieldError[] = [];
  if (!Array.isArray(spec.accessModes) || spec.accessModes.length === 0)
    errors.push({ field: 'spec.accessModes', reason: 'FieldValueRequired', message: 'Required value: at least 1 access mode is required' });
  if (spec.resources?.requests?.storage === undefined)
    errors.push({ field: 'spec.resources[storage]', reason: 'FieldValueRequired', message: 'Required value' });
  if (errors.length) throw invalidObject('PersistentVolumeClaim', object.metadata.name, errors);
  object.spec = spec;
  if (!live) object.status = { phase: 'Pending' };
}

/**
 * Storage admission: the v1 defaults of PersistentVolumeClaims (`volumeMode: Filesystem`, phase
 * Pending), PersistentVolumes (reclaim policy Retain, phase Pending) and StorageClasses (Delete,
 * Immediate), and the DefaultStorageClass plugin, which gives a claim without `storageClassName`
 * the default class (an explicit `""` means "no class" and is kept).
 */
export const admitStorage: Admitter = (type, object, live, rest) => {
  if (type.group === '' && type.kind === 'PersistentVolumeClaim') admitClaim(object, live, rest);
  else if (type.group === '' && type.kind === 'PersistentVolume') {
    const spec = objectOr<Record<string, unknown>>(object.spec);
    spec.persistentVolumeReclaimPolicy ??= 'Retain';
    spec.volumeMode ??= 'Filesystem';
    object.spec = spec;
    if (!live) object.status = { phase: 'Pending' };
  } else if (type.group === 'storage.k8s.io' && type.kind === 'StorageClass') {
    object.reclaimPolicy ??= 'Delete';
    object.volumeBindingMode ??= 'Immediate';
  }
};

/**
 * The cluster's storage: the admission above, the default StorageClass `standard` (created at
 * start when absent) and the volume binder/provisioner. Returns the controllers to run.
 */
export function storage(rest: KubeRest, events: EventRecorder): Controller[] {
  rest.admitters.push(admitStorage);
  const classes = rest.registry.find('storage.k8s.io', 'v1', 'storageclasses')!;
  if (!rest.store.get(rest.key(classes, undefined, DEFAULT_STORAGE_CLASS.metadata.name)))
    rest.create(classes, undefined, structuredClone(DEFAULT_STORAGE_CLASS));
  return [volumeBinder(events)];
}
