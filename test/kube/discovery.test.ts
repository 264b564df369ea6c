import { describe, expect, it } from 'vitest';
import {
  AGGREGATED_CONTENT_TYPE,
  acceptsAggregated,
  aggregatedDiscovery,
  compareKubeVersions,
  legacyApiVersions,
  legacyGroup,
  legacyGroupList,
  legacyResourceList,
} from '../../local/kube/discovery.js';
import { ResourceRegistry } from '../../local/kube/resources.js';

// What client-go v0.35.1 sends (discovery_client.go acceptDiscoveryFormats, with and without nopeer).
const CLIENT_GO_ACCEPT =
  'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json';

type Resource = { resource: string; responseKind: { group: string; version: string; kind: string }; scope: string; verbs: string[]; subresources?: object[] };
type Group = { metadata: { name?: string }; versions: { version: string; freshness: string; resources: Resource[] }[] };
type ApiResource = { name: string; kind: string; namespaced: boolean; verbs: string[]; group?: string; version?: string };

const widgetTypes = (versions: string[]) =>
  versions.map((version) => ({ group: 'example.com', version, kind: 'Widget', plural: 'widgets', singular: 'widget', namespaced: true, status: true }));

describe('acceptsAggregated', () => {
  it('picks v2 from the Accept header client-go sends, and v2beta1 when only that is offered', () => {
    expect(acceptsAggregated(CLIENT_GO_ACCEPT)).toBe('apidiscovery.k8s.io/v2');
    expect(acceptsAggregated(`application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList;profile=nopeer,${CLIENT_GO_ACCEPT}`)).toBe(
      'apidiscovery.k8s.io/v2',
    );
    expect(acceptsAggregated('application/json; as=APIGroupDiscoveryList; v=v2beta1; g=apidiscovery.k8s.io, application/json')).toBe(
      'apidiscovery.k8s.io/v2beta1',
    );
  });

  it('returns undefined for legacy clients and protobuf-only aggregated requests', () => {
    expect(acceptsAggregated(undefined)).toBeUndefined();
    expect(acceptsAggregated('application/json, */*')).toBeUndefined();
    expect(acceptsAggregated('application/vnd.kubernetes.protobuf;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList')).toBeUndefined();
  });

  it('answers with the content type client-go matches (base application/json with g, v and as)', () => {
    expect(AGGREGATED_CONTENT_TYPE('apidiscovery.k8s.io/v2')).toBe('application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList');
    expect(AGGREGATED_CONTENT_TYPE('apidiscovery.k8s.io/v2beta1')).toBe('application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList');
  });
});

describe('aggregatedDiscovery', () => {
  it('lists the core group at /api with responseKind, scope and subresources for every resource', () => {
    const list = aggregatedDiscovery(new ResourceRegistry(), 'core', 'apidiscovery.k8s.io/v2') as { kind: string; apiVersion: string; items: Group[] };
    expect(list).toMatchObject({ kind: 'APIGroupDiscoveryList', apiVersion: 'apidiscovery.k8s.io/v2' });
    expect(list.items).toHaveLength(1);
    const [v1] = list.items[0]!.versions;
    expect(v1).toMatchObject({ version: 'v1', freshness: 'Current' });
    const pods = v1!.resources.find((r) => r.resource === 'pods');
    expect(pods).toMatchObject({
      responseKind: { group: '', version: 'v1', kind: 'Pod' },
      scope: 'Namespaced',
      singularResource: 'pod',
      shortNames: ['po'],
      categories: ['all'],
    });
    expect(pods!.subresources).toEqual(
      expect.arrayContaining([
        { subresource: 'status', responseKind: { group: '', version: 'v1', kind: 'Pod' }, verbs: ['get', 'patch', 'update'] },
        { subresource: 'log', responseKind: { group: '', version: 'v1', kind: 'Pod' }, verbs: ['get'] },
        { subresource: 'eviction', responseKind: { group: 'policy', version: 'v1', kind: 'Eviction' }, verbs: ['create'] },
      ]),
    );
    expect(v1!.resources.find((r) => r.resource === 'namespaces')!.scope).toBe('Cluster');
    expect(v1!.resources.every((r) => r.responseKind.kind !== '')).toBe(true);
  });

  it('lists the named groups at /apis, with a scale subresource answering autoscaling/v1 Scale', () => {
    const list = aggregatedDiscovery(new ResourceRegistry(), 'apis', 'apidiscovery.k8s.io/v2beta1') as { apiVersion: string; items: Group[] };
    expect(list.apiVersion).toBe('apidiscovery.k8s.io/v2beta1');
    const names = list.items.map((g) => g.metadata.name);
    expect(names).toEqual(expect.arrayContaining(['apps', 'batch', 'rbac.authorization.k8s.io', 'apiextensions.k8s.io', 'metrics.k8s.io']));
    expect(names).not.toContain(undefined);
    const deployments = list.items.find((g) => g.metadata.name === 'apps')!.versions[0]!.resources.find((r) => r.resource === 'deployments');
    expect(deployments!.subresources).toContainEqual({
      subresource: 'scale',
      responseKind: { group: 'autoscaling', version: 'v1', kind: 'Scale' },
      verbs: ['get', 'patch', 'update'],
    });
    const podMetrics = list.items.find((g) => g.metadata.name === 'metrics.k8s.io')!.versions[0]!.resources.find((r) => r.resource === 'pods');
    expect(podMetrics!.verbs).toEqual(['get', 'list']);
  });

  it('shows a CRD type as soon as it is registered, preferred version first', () => {
    const registry = new ResourceRegistry();
    registry.defineCustom('widgets.example.com', widgetTypes(['v1alpha1', 'v1', 'v1beta1']));
    const list = aggregatedDiscovery(registry, 'apis', 'apidiscovery.k8s.io/v2') as { items: Group[] };
    const widgets = list.items.find((g) => g.metadata.name === 'example.com');
    expect(widgets!.versions.map((v) => v.version)).toEqual(['v1', 'v1beta1', 'v1alpha1']);
    registry.removeCustom('widgets.example.com');
    expect((aggregatedDiscovery(registry, 'apis', 'apidiscovery.k8s.io/v2') as { items: Group[] }).items.map((g) => g.metadata.name)).not.toContain(
      'example.com',
    );
  });
});

describe('legacy discovery', () => {
  it('answers /api with APIVersions naming the server address', () => {
    expect(legacyApiVersions('127.0.0.1:6443')).toEqual({
      kind: 'APIVersions',
      versions: ['v1'],
      serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '127.0.0.1:6443' }],
    });
  });

  it('answers /apis and /apis/<group> with versions and the preferred version, and 404 for the core or unknown groups', () => {
    const registry = new ResourceRegistry();
    registry.defineCustom('widgets.example.com', widgetTypes(['v1beta1', 'v2']));
    const groups = (legacyGroupList(registry) as { kind: string; groups: { name: string; preferredVersion: object }[] }).groups;
    expect(groups.find((g) => g.name === 'apps')).toEqual({
      name: 'apps',
      versions: [{ groupVersion: 'apps/v1', version: 'v1' }],
      preferredVersion: { groupVersion: 'apps/v1', version: 'v1' },
    });
    expect(legacyGroup(registry, 'example.com')).toMatchObject({
      kind: 'APIGroup',
      name: 'example.com',
      preferredVersion: { groupVersion: 'example.com/v2', version: 'v2' },
    });
    expect(legacyGroup(registry, '')).toBeUndefined();
    expect(legacyGroup(registry, 'nope.example.com')).toBeUndefined();
  });

  it('lists resources and their subresources per group-version, and 404 for one not served', () => {
    const registry = new ResourceRegistry();
    const core = legacyResourceList(registry, '', 'v1') as { groupVersion: string; resources: ApiResource[] };
    expect(core.groupVersion).toBe('v1');
    const names = core.resources.map((r) => r.name);
    expect(names).toEqual(expect.arrayContaining(['pods', 'pods/log', 'pods/status', 'secrets', 'namespaces/status']));
    const apps = legacyResourceList(registry, 'apps', 'v1') as { groupVersion: string; resources: ApiResource[] };
    expect(apps.groupVersion).toBe('apps/v1');
    expect(apps.resources.find((r) => r.name === 'deployments/scale')).toEqual({
      name: 'deployments/scale',
      singularName: '',
      namespaced: true,
      group: 'autoscaling',
      version: 'v1',
      kind: 'Scale',
      verbs: ['get', 'patch', 'update'],
    });
    expect(apps.resources.find((r) => r.name === 'deployments')).toMatchObject({ kind: 'Deployment', namespaced: true, shortNames: ['deploy'] });
    expect(legacyResourceList(registry, 'apps', 'v1beta1')).toBeUndefined();
  });
});

describe('compareKubeVersions', () => {
  it('orders GA before beta before alpha, newer first, and unknown names last', () => {
    expect(['v1alpha1', 'foo', 'v1beta1', 'v1', 'v2', 'v1beta2', 'v2alpha1'].sort(compareKubeVersions)).toEqual([
      'v2',
      'v1',
      'v1beta2',
      'v1beta1',
      'v2alpha1',
      'v1alpha1',
      'foo',
    ]);
  });
});
