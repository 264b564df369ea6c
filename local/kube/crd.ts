import type { KubeRest } from './rest.js';
import type { ResourceRegistry, ResourceType } from './resources.js';
import type { KubeObject } from './store.js';

type CrdSpec = {
  group: string;
  scope: 'Namespaced' | 'Cluster';
  names: { kind: string; plural: string; singular?: string; shortNames?: string[]; categories?: string[] };
  versions?: { name: string; served?: boolean; subresources?: { status?: unknown } }[];
};

const now = (): string => new Date().toISOString().replace(/\.\d+Z$/, 'Z');

/** The types a CRD serves, one per served version. */
export function typesOfCrd(crd: KubeObject): ResourceType[] {
  const spec = crd.spec as CrdSpec | undefined;
  if (!spec?.names?.plural || !spec.group) return [];
  return (spec.versions ?? [])
    .filter((v) => v.served !== false)
    .map((v) => ({
      group: spec.group,
      version: v.name,
      kind: spec.names.kind,
      plural: spec.names.plural,
      singular: spec.names.singular ?? spec.names.kind.toLowerCase(),
      namespaced: spec.scope !== 'Cluster',
      shortNames: spec.names.shortNames,
      categories: spec.names.categories,
      status: v.subresources?.status !== undefined,
    }));
}

/**
 * What the apiextensions controller does when a CRD is stored: its types join the registry (so
 * discovery, OpenAPI and REST serve them at once) and its status says `NamesAccepted` and
 * `Established`, which helm's CRD wait and kstatus read.
 */
export function establishCrd(registry: ResourceRegistry, crd: KubeObject): void {
  registry.defineCustom(crd.metadata.name, typesOfCrd(crd));
  const spec = crd.spec as CrdSpec | undefined;
  const status = (crd.status ?? {}) as { conditions?: { type: string }[] };
  if (status.conditions?.some((c) => c.type === 'Established')) return;
  const time = now();
  crd.status = {
    acceptedNames: spec?.names ?? {},
    storedVersions: (spec?.versions ?? []).map((v) => v.name),
    conditions: [
      { type: 'NamesAccepted', status: 'True', reason: 'NoConflicts', message: 'no conflicts found', lastTransitionTime: time },
      { type: 'Established', status: 'True', reason: 'InitialNamesAccepted', message: 'the initial names have been accepted', lastTransitionTime: time },
    ],
  };
}

/** Deleting a CRD removes its types and every object of them, as Kubernetes does. */
export function removeCustomTypes(rest: KubeRest, crd: KubeObject): void {
  const spec = crd.spec as CrdSpec | undefined;
  if (spec?.group && spec.names?.plural) {
    for (const object of rest.store.list(spec.group, spec.names.plural)) {
      rest.store.remove({ group: spec.group, plural: spec.names.plural, namespace: object.metadata.namespace ?? '', name: object.metadata.name });
    }
  }
  rest.registry.removeCustom(crd.metadata.name);
}

/** Loads the types of the CRDs a persisted store already holds (a restarted server). */
export function restoreCustomTypes(rest: KubeRest): void {
  for (const crd of rest.store.list('apiextensions.k8s.io', 'customresourcedefinitions')) rest.registry.defineCustom(crd.metadata.name, typesOfCrd(crd));
}
