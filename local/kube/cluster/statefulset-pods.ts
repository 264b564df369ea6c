import type { KubeObject } from '../store.js';
import type { ControllerHost } from './host.js';
import { isReady, type Pod } from './pods.js';
import { createPod, type LabelSelector, type Template } from './workload.js';

/** A StatefulSet's spec, as far as its controller reads it. */
export type StatefulSetSpec = {
  replicas?: number;
  serviceName?: string;
  minReadySeconds?: number;
  revisionHistoryLimit?: number;
  podManagementPolicy?: 'OrderedReady' | 'Parallel';
  selector?: LabelSelector;
  template?: Template;
  updateStrategy?: { type?: 'RollingUpdate' | 'OnDelete'; rollingUpdate?: { partition?: number } };
  volumeClaimTemplates?: {
    metadata?: { name?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
    spec?: Record<string, unknown>;
  }[];
  persistentVolumeClaimRetentionPolicy?: { whenDeleted?: 'Retain' | 'Delete'; whenScaled?: 'Retain' | 'Delete' };
};

export const POD_NAME_LABEL = 'statefulset.kubernetes.io/pod-name';
export const POD_INDEX_LABEL = 'apps.kubernetes.io/pod-index';
export const REVISION_LABEL = 'controller-revision-hash';

/** The ordinal in a StatefulSet pod's name (`web-2` → 2), or undefined for a pod that is not one of its identities. */
export function ordinalOf(set: KubeObject, pod: Pod): number | undefined {
  const match = /^(.*)-(\d+)$/.exec(pod.metadata.name);
  return match && match[1] === set.metadata.name ? Number(match[2]) : undefined;
}

/** Running and Ready, what OrderedReady waits for before the next ordinal. */
export const runningAndReady = (pod: Pod): boolean => pod.status?.phase === 'Running' && isReady(pod);

/** `<claim template>-<set>-<ordinal>`: the name a StatefulSet's claim has, for each volumeClaimTemplate. */
export const claimNames = (set: KubeObject, ordinal: number): { template: string; claim: string }[] =>
  ((set.spec as StatefulSetSpec).volumeClaimTemplates ?? []).map((t) => ({
    template: t.metadata?.name ?? '',
    claim: `${t.metadata?.name ?? ''}-${set.metadata.name}-${ordinal}`,
  }));

/**
 * Creates the ordinal's PersistentVolumeClaims that do not exist yet, before its pod (as the
 * controller does): labelled with the template's labels and the set's selector labels, owned by
 * the StatefulSet only when `persistentVolumeClaimRetentionPolicy.whenDeleted` is Delete.
 */
export function ensureClaims(host: ControllerHost, set: KubeObject, ordinal: number): void {
  const spec = set.spec as StatefulSetSpec;
  const namespace = set.metadata.namespace ?? '';
  const owned = spec.persistentVolumeClaimRetentionPolicy?.whenDeleted === 'Delete';
  for (const template of spec.volumeClaimTemplates ?? []) {
    const name = `${template.metadata?.name ?? ''}-${set.metadata.name}-${ordinal}`;
    if (host.get('', 'persistentvolumeclaims', namespace, name)) continue;
    host.rest.create(host.type('', 'persistentvolumeclaims'), namespace, {
      metadata: {
        name,
        namespace,
        labels: { ...template.metadata?.labels, ...spec.selector?.matchLabels },
        ...(template.metadata?.annotations ? { annotations: template.metadata.annotations } : {}),
        ...(owned
          ? { ownerReferences: [{ apiVersion: String(set.apiVersion), kind: String(set.kind), name: set.metadata.name, uid: set.metadata.uid ?? '' }] }
          : {}),
      },
      spec: { volumeMode: 'Filesystem', ...structuredClone(template.spec) },
      status: { phase: 'Pending' },
    });
  }
}

/**
 * Creates the pod of one ordinal from a revision's template: its stable name and network identity
 * (hostname, and subdomain = serviceName), the identity labels, and a `persistentVolumeClaim`
 * volume per claim template (replacing a template volume of the same name).
 */
export function createOrdinalPod(host: ControllerHost, set: KubeObject, template: Template, revisionName: string, ordinal: number): Pod {
  const spec = set.spec as StatefulSetSpec;
  const name = `${set.metadata.name}-${ordinal}`;
  const claims = claimNames(set, ordinal);
  const volumes = ((template.spec?.volumes ?? []) as { name: string }[]).filter((v) => !claims.some((c) => c.template === v.name));
  return createPod(host, set, template, name, {
    labels: { [REVISION_LABEL]: revisionName, [POD_NAME_LABEL]: name, [POD_INDEX_LABEL]: String(ordinal) },
    spec: {
      hostname: name,
      ...(spec.serviceName ? { subdomain: spec.serviceName } : {}),
      ...(claims.length || volumes.length
        ? { volumes: [...volumes, ...claims.map((c) => ({ name: c.template, persistentVolumeClaim: { claimName: c.claim } }))] }
        : {}),
    },
  });
}
