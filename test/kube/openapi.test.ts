import { describe, expect, it } from 'vitest';
import { openApiGroupVersion, openApiRoot, openApiV2 } from '../../local/kube/openapi.js';
import { BUILT_IN_TYPES, ResourceRegistry, groupVersionOf } from '../../local/kube/resources.js';

type Parameter = { name: string; in: string };
type Operation = { parameters?: Parameter[]; requestBody?: { content: Record<string, unknown> }; [key: string]: unknown };
type Doc = { openapi: string; paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, Record<string, unknown>> } };
type Gvk = { group: string; version: string; kind: string };

const GVK = 'x-kubernetes-group-version-kind';
const sameGvk = (a: unknown, b: Gvk): boolean => {
  const x = a as Gvk | undefined;
  return x?.group === b.group && x.version === b.version && x.kind === b.kind;
};

/** The PATCH operations tagged with a kind, as cli-runtime's query_param_verifier_v3.go looks them up. */
const patchOperationsOf = (doc: Doc, gvk: Gvk): Operation[] =>
  Object.values(doc.paths)
    .map((path) => path.patch)
    .filter((op): op is Operation => op !== undefined && sameGvk(op[GVK], gvk));

const docOf = (registry: ResourceRegistry, group: string, version: string): Doc => openApiGroupVersion(registry, group, version) as Doc;

describe('openApiGroupVersion', () => {
  it('gives every writable built-in kind PATCH operations that all take a fieldValidation query parameter', () => {
    const registry = new ResourceRegistry();
    for (const type of BUILT_IN_TYPES.filter((t) => !t.readOnly)) {
      const gvk = { group: type.group, version: type.version, kind: type.kind };
      const patches = patchOperationsOf(docOf(registry, type.group, type.version), gvk);
      expect(patches.length, `${groupVersionOf(type)} ${type.kind}`).toBeGreaterThan(0);
      // The verifier stops at the first tagged PATCH it meets, in map order: every one must carry the parameter.
      for (const op of patches) expect(op.parameters).toContainEqual(expect.objectContaining({ name: 'fieldValidation', in: 'query' }));
    }
  });

  it('does not offer strategic merge patch, so kubectl builds it from its compiled-in types with the real merge keys', () => {
    const doc = docOf(new ResourceRegistry(), 'apps', 'v1');
    const [patch] = patchOperationsOf(doc, { group: 'apps', version: 'v1', kind: 'Deployment' });
    expect(Object.keys(patch!.requestBody!.content)).toEqual(['application/json-patch+json', 'application/merge-patch+json', 'application/apply-patch+yaml']);
  });

  it('serves namespaced item, collection, all-namespaces and status paths', () => {
    const doc = docOf(new ResourceRegistry(), 'apps', 'v1');
    expect(Object.keys(doc.paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}']!)).toEqual(
      expect.arrayContaining(['get', 'put', 'patch', 'delete']),
    );
    expect(Object.keys(doc.paths['/apis/apps/v1/namespaces/{namespace}/deployments']!)).toEqual(expect.arrayContaining(['get', 'post', 'delete']));
    expect(doc.paths['/apis/apps/v1/deployments']!.get).toBeDefined();
    expect(doc.paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}/status']!.patch).toBeDefined();
    const core = docOf(new ResourceRegistry(), '', 'v1');
    expect(core.paths['/api/v1/namespaces/{name}']!.patch).toBeDefined();
  });

  it('describes each kind with a permissive schema tagged with its GVK', () => {
    const doc = docOf(new ResourceRegistry(), 'apps', 'v1');
    const schema = doc.components.schemas['io.k8s.api.apps.v1.Deployment']!;
    expect(schema).toMatchObject({
      type: 'object',
      'x-kubernetes-preserve-unknown-fields': true,
      properties: { apiVersion: { type: 'string' }, kind: { type: 'string' }, metadata: { type: 'object' } },
      [GVK]: [{ group: 'apps', version: 'v1', kind: 'Deployment' }],
    });
    expect(doc.openapi).toBe('3.0.0');
  });

  it('serves only get and list for the read-only metrics kinds, and 404 for an unknown group-version', () => {
    const doc = docOf(new ResourceRegistry(), 'metrics.k8s.io', 'v1beta1');
    expect(patchOperationsOf(doc, { group: 'metrics.k8s.io', version: 'v1beta1', kind: 'PodMetrics' })).toEqual([]);
    expect(doc.paths['/apis/metrics.k8s.io/v1beta1/namespaces/{namespace}/pods/{name}']!.get).toBeDefined();
    expect(openApiGroupVersion(new ResourceRegistry(), 'apps', 'v2')).toBeUndefined();
  });
});

describe('openApiRoot', () => {
  it('lists every served group-version with a hashed URL under /openapi/v3', () => {
    const root = openApiRoot(new ResourceRegistry()) as { paths: Record<string, { serverRelativeURL: string }> };
    expect(Object.keys(root.paths)).toEqual(expect.arrayContaining(['api/v1', 'apis/apps/v1', 'apis/batch/v1', 'apis/metrics.k8s.io/v1beta1']));
    expect(root.paths['apis/apps/v1']!.serverRelativeURL).toMatch(/^\/openapi\/v3\/apis\/apps\/v1\?hash=[0-9A-F]{128}$/);
  });

  it('changes a group-version hash when a CRD changes that group-version, and only that one', () => {
    const registry = new ResourceRegistry();
    const widget = (version: string, kind = 'Widget') => ({
      group: 'example.com',
      version,
      kind,
      plural: `${kind.toLowerCase()}s`,
      singular: kind.toLowerCase(),
      namespaced: true,
    });
    registry.defineCustom('widgets.example.com', [widget('v1')]);
    const before = (openApiRoot(registry) as { paths: Record<string, { serverRelativeURL: string }> }).paths;
    registry.defineCustom('gadgets.example.com', [widget('v1', 'Gadget')]);
    registry.defineCustom('widgets.example.com', [widget('v1'), widget('v2')]);
    const after = (openApiRoot(registry) as { paths: Record<string, { serverRelativeURL: string }> }).paths;
    expect(after['apis/example.com/v1']!.serverRelativeURL).not.toBe(before['apis/example.com/v1']!.serverRelativeURL);
    expect(after['apis/example.com/v2']).toBeDefined();
    expect(after['apis/apps/v1']).toEqual(before['apis/apps/v1']);
    const doc = docOf(registry, 'example.com', 'v1');
    expect(doc.components.schemas['com.example.v1.Gadget']).toBeDefined();
  });
});

describe('openApiV2', () => {
  it('is a protobuf document holding only swagger 2.0', () => {
    expect([...openApiV2()]).toEqual([0x0a, 3, ...Buffer.from('2.0')]);
  });
});
