/**
 * The discovery documents of the Kubernetes simulator, built from the resource registry so that a
 * type added by a CRD appears as soon as it is registered (trap 4 of the research notes).
 *
 * Two forms are served, as kube-apiserver does: the aggregated `APIGroupDiscoveryList`
 * (`apidiscovery.k8s.io/v2` and `v2beta1`, one request for everything) when the client's Accept header
 * asks for it, and the legacy per-group documents (`APIVersions`, `APIGroupList`, `APIGroup`,
 * `APIResourceList`) otherwise. client-go picks its decoder by the *response* Content-Type.
 */
import { type ResourceRegistry, type ResourceType, groupVersionOf, verbsOf } from './resources.js';

export type AggregatedVersion = 'apidiscovery.k8s.io/v2' | 'apidiscovery.k8s.io/v2beta1';

const AGGREGATED_KIND = 'APIGroupDiscoveryList';
const AGGREGATED_GROUP = 'apidiscovery.k8s.io';

/**
 * The Content-Type of an aggregated answer. client-go (discovery_client.go `ContentTypeIsGVK`) parses
 * it with Go's mime.ParseMediaType and needs base `application/json` with parameters g, v and as.
 */
export const AGGREGATED_CONTENT_TYPE = (apiVersion: AggregatedVersion): string =>
  `application/json;g=${AGGREGATED_GROUP};v=${apiVersion.split('/')[1]};as=${AGGREGATED_KIND}`;

/**
 * Which aggregated discovery version the Accept header asks for, in the client's order of preference
 * (client-go sends v2, then v2beta1, then plain `application/json`), or undefined for legacy discovery.
 * Media ranges with a protobuf base are skipped: this simulator answers discovery in JSON only.
 */
export function acceptsAggregated(accept: string | undefined): AggregatedVersion | undefined {
  for (const range of (accept ?? '').split(',')) {
    const [base = '', ...rawParams] = range.split(';').map((part) => part.trim());
    if (base.toLowerCase() !== 'application/json') continue;
    const params = new Map(
      rawParams.map((param) => {
        const [key = '', value = ''] = param.split('=');
        return [key.trim().toLowerCase(), value.trim().replace(/^"(.*)"$/, '$1')] as const;
      }),
    );
    if (params.get('g') !== AGGREGATED_GROUP || params.get('as') !== AGGREGATED_KIND) continue;
    const version = params.get('v');
    if (version === 'v2' || version === 'v2beta1') return `${AGGREGATED_GROUP}/${version}`;
  }
  return undefined;
}

/** Orders versions as Kubernetes does (`v2` > `v1` > `v1beta2` > `v1beta1` > `v1alpha1` > others by name). */
export function compareKubeVersions(a: string, b: string): number {
  const rank = (v: string): [number, number, number, string] => {
    const match = /^v(\d+)(?:(beta|alpha)(\d+))?$/.exec(v);
    if (!match) return [3, 0, 0, v];
    const stability = match[2] === undefined ? 0 : match[2] === 'beta' ? 1 : 2;
    return [stability, -Number(match[1]), -Number(match[3] ?? 0), v];
  };
  const [ra, rb] = [rank(a), rank(b)];
  for (let i = 0; i < 3; i++) if (ra[i] !== rb[i]) return (ra[i] as number) - (rb[i] as number);
  return ra[3].localeCompare(rb[3]);
}

/** The served groups in registry order, each with its versions, preferred first. */
function groupsOf(registry: ResourceRegistry, scope?: 'core' | 'apis'): { name: string; versions: string[] }[] {
  const groups = new Map<string, Set<string>>();
  for (const type of registry.all()) {
    if (scope === 'core' && type.group !== '') continue;
    if (scope === 'apis' && type.group === '') continue;
    const versions = groups.get(type.group) ?? new Set<string>();
    versions.add(type.version);
    groups.set(type.group, versions);
  }
  return [...groups].map(([name, versions]) => ({ name, versions: [...versions].sort(compareKubeVersions) }));
}

function typesOf(registry: ResourceRegistry, group: string, version: string): ResourceType[] {
  return registry.all().filter((t) => t.group === group && t.version === version);
}

type Subresource = { name: string; group: string; version: string; kind: string; verbs: readonly string[] };

/** The subresources of a type with what each answers, as kube-apiserver lists them. */
function subresourcesOf(type: ResourceType): Subresource[] {
  const own = { group: type.group, version: type.version, kind: type.kind };
  const out: Subresource[] = [];
  if (type.status) out.push({ name: 'status', ...own, verbs: ['get', 'patch', 'update'] });
  for (const name of type.subresources ?? []) {
    if (name === 'scale') out.push({ name, group: 'autoscaling', version: 'v1', kind: 'Scale', verbs: ['get', 'patch', 'update'] });
    else if (name === 'eviction') out.push({ name, group: 'policy', version: 'v1', kind: 'Eviction', verbs: ['create'] });
    // log (and any other read-only subresource) answers as the parent kind, as kube-apiserver lists pods/log.
    else out.push({ name, ...own, verbs: ['get'] });
  }
  return out;
}

/**
 * The aggregated discovery document: `/api` (scope core) or `/apis` (scope apis). Every resource carries
 * `responseKind`, without which client-go drops it (aggregated_discovery.go `convertAPIResource`).
 */
export function aggregatedDiscovery(registry: ResourceRegistry, scope: 'core' | 'apis', apiVersion: AggregatedVersion): object {
  const items = groupsOf(registry, scope).map((group) => ({
    metadata: group.name ? { name: group.name } : {},
    versions: group.versions.map((version) => ({
      version,
      resources: typesOf(registry, group.name, version).map((type) => ({
        resource: type.plural,
        responseKind: { group: type.group, version: type.version, kind: type.kind },
        scope: type.namespaced ? 'Namespaced' : 'Cluster',
        singularResource: type.singular,
        verbs: verbsOf(type),
        ...(type.shortNames?.length ? { shortNames: type.shortNames } : {}),
        ...(type.categories?.length ? { categories: type.categories } : {}),
        ...(subresourcesOf(type).length
          ? {
              subresources: subresourcesOf(type).map((sub) => ({
                subresource: sub.name,
                responseKind: { group: sub.group, version: sub.version, kind: sub.kind },
                verbs: sub.verbs,
              })),
            }
          : {}),
      })),
      freshness: 'Current',
    })),
  }));
  return { kind: AGGREGATED_KIND, apiVersion, metadata: {}, items };
}

/** `/api`: the legacy `APIVersions` of the core group. */
export function legacyApiVersions(serverAddress: string): object {
  return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }] };
}

function apiGroup(group: { name: string; versions: string[] }): { name: string; versions: object[]; preferredVersion: object } {
  const versions = group.versions.map((version) => ({ groupVersion: `${group.name}/${version}`, version }));
  return { name: group.name, versions, preferredVersion: versions[0]! };
}

/** `/apis`: the legacy `APIGroupList` of every named group, with its preferred version. */
export function legacyGroupList(registry: ResourceRegistry): object {
  return { kind: 'APIGroupList', apiVersion: 'v1', groups: groupsOf(registry, 'apis').map(apiGroup) };
}

/** `/apis/<group>`: the legacy `APIGroup`, or undefined when the group is not served (404). */
export function legacyGroup(registry: ResourceRegistry, group: string): object | undefined {
  const found = group === '' ? undefined : groupsOf(registry, 'apis').find((g) => g.name === group);
  return found && { kind: 'APIGroup', apiVersion: 'v1', ...apiGroup(found) };
}

/**
 * `/api/v1` and `/apis/<group>/<version>`: the legacy `APIResourceList`, subresources listed as
 * `pods/log`, `deployments/scale`, `<plural>/status`; undefined when that group-version is not served.
 */
export function legacyResourceList(registry: ResourceRegistry, group: string, version: string): object | undefined {
  const types = typesOf(registry, group, version);
  if (types.length === 0) return undefined;
  const resources = types.flatMap((type) => [
    {
      name: type.plural,
      singularName: type.singular,
      namespaced: type.namespaced,
      kind: type.kind,
      verbs: verbsOf(type),
      ...(type.shortNames?.length ? { shortNames: type.shortNames } : {}),
      ...(type.categories?.length ? { categories: type.categories } : {}),
    },
    ...subresourcesOf(type).map((sub) => ({
      name: `${type.plural}/${sub.name}`,
      singularName: '',
      namespaced: type.namespaced,
      // group and version are only given when they differ from the list's own (scale, eviction).
      ...(sub.group !== type.group || sub.version !== type.version ? { group: sub.group, version: sub.version } : {}),
      kind: sub.kind,
      verbs: sub.verbs,
    })),
  ]);
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: groupVersionOf({ group, version }), resources };
}
