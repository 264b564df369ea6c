import { groupVersionOf, type ResourceRegistry, type ResourceType, verbsOf } from './resources.js';

/**
 * Stand-in for kube-docs' discovery module (same exports): aggregated discovery (`/api`, `/apis`
 * with the apidiscovery Accept) and the legacy per-group documents, all built from the registry.
 */
export type AggregatedVersion = 'apidiscovery.k8s.io/v2' | 'apidiscovery.k8s.io/v2beta1';

const groupsOf = (registry: ResourceRegistry, scope: 'core' | 'apis'): Map<string, Map<string, ResourceType[]>> => {
  const groups = new Map<string, Map<string, ResourceType[]>>();
  for (const type of registry.all()) {
    if ((scope === 'core') !== (type.group === '')) continue;
    const versions = groups.get(type.group) ?? new Map<string, ResourceType[]>();
    versions.set(type.version, [...(versions.get(type.version) ?? []), type]);
    groups.set(type.group, versions);
  }
  return groups;
};

const subresourcesOf = (type: ResourceType): string[] => [...(type.status ? ['status'] : []), ...(type.subresources ?? [])];

export function aggregatedDiscovery(registry: ResourceRegistry, scope: 'core' | 'apis', apiVersion: AggregatedVersion): object {
  const items = [...groupsOf(registry, scope)].map(([group, versions]) => ({
    metadata: { name: group },
    versions: [...versions].map(([version, types]) => ({
      version,
      freshness: 'Current',
      resources: types.map((t) => ({
        resource: t.plural,
        responseKind: { group: t.group, version: t.version, kind: t.kind },
        scope: t.namespaced ? 'Namespaced' : 'Cluster',
        singularResource: t.singular,
        verbs: verbsOf(t),
        ...(t.shortNames ? { shortNames: t.shortNames } : {}),
        ...(t.categories ? { categories: t.categories } : {}),
        subresources: subresourcesOf(t).map((s) => ({
          subresource: s,
          responseKind: { group: t.group, version: t.version, kind: t.kind },
          verbs: ['get', 'patch', 'update'],
        })),
      })),
    })),
  }));
  return { kind: 'APIGroupDiscoveryList', apiVersion, metadata: {}, items };
}

/** The aggregated discovery version the Accept header asks for, preferring v2. */
export function acceptsAggregated(accept: string | undefined): AggregatedVersion | undefined {
  const entries = (accept ?? '').split(',').map((e) => e.replace(/\s/g, ''));
  const wants = (v: string): boolean =>
    entries.some((e) => e.includes('g=apidiscovery.k8s.io') && e.includes(`v=${v}`) && e.includes('as=APIGroupDiscoveryList'));
  if (wants('v2')) return 'apidiscovery.k8s.io/v2';
  if (wants('v2beta1')) return 'apidiscovery.k8s.io/v2beta1';
  return undefined;
}

export function AGGREGATED_CONTENT_TYPE(apiVersion: AggregatedVersion): string {
  return `application/json;g=apidiscovery.k8s.io;v=${apiVersion.split('/')[1] ?? 'v2'};as=APIGroupDiscoveryList`;
}

export function legacyApiVersions(serverAddress: string): object {
  return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }] };
}

const groupDocument = (group: string, versions: string[]): object => {
  const list = versions.map((version) => ({ groupVersion: `${group}/${version}`, version }));
  return { name: group, versions: list, preferredVersion: list[0] };
};

export function legacyGroupList(registry: ResourceRegistry): object {
  const groups = [...groupsOf(registry, 'apis')].map(([group, versions]) => groupDocument(group, [...versions.keys()]));
  return { kind: 'APIGroupList', apiVersion: 'v1', groups };
}

export function legacyGroup(registry: ResourceRegistry, group: string): object | undefined {
  const versions = groupsOf(registry, 'apis').get(group);
  return versions && { kind: 'APIGroup', apiVersion: 'v1', ...groupDocument(group, [...versions.keys()]) };
}

export function legacyResourceList(registry: ResourceRegistry, group: string, version: string): object | undefined {
  const types = registry.all().filter((t) => t.group === group && t.version === version);
  if (!types.length) return undefined;
  const resources = types.flatMap((t) => [
    {
      name: t.plural,
      singularName: t.singular,
      namespaced: t.namespaced,
      kind: t.kind,
      verbs: verbsOf(t),
      ...(t.shortNames ? { shortNames: t.shortNames } : {}),
      ...(t.categories ? { categories: t.categories } : {}),
    },
    ...subresourcesOf(t).map((s) => ({
      name: `${t.plural}/${s}`,
      singularName: '',
      namespaced: t.namespaced,
      kind: t.kind,
      verbs: ['get', 'patch', 'update'],
    })),
  ]);
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: groupVersionOf({ group, version }), resources };
}
