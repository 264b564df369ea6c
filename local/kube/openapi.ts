import { createHash } from 'node:crypto';
import { type ResourceRegistry, type ResourceType } from './resources.js';

/**
 * Stand-in for kube-docs' OpenAPI module (same exports). Minimal on purpose: per group-version one
 * PATCH operation per kind, tagged with its GVK and a `fieldValidation` parameter, which is what
 * kubectl and helm look for before they leave validation to the server (trap 3 of the notes).
 */
const pathOf = (group: string, version: string): string => (group ? `apis/${group}/${version}` : `api/${version}`);

export function openApiGroupVersion(registry: ResourceRegistry, group: string, version: string): object | undefined {
  const types = registry.all().filter((t) => t.group === group && t.version === version);
  if (!types.length) return undefined;
  const paths = Object.fromEntries(
    types.map((t: ResourceType) => [
      `/${pathOf(group, version)}/${t.namespaced ? 'namespaces/{namespace}/' : ''}${t.plural}/{name}`,
      {
        patch: {
          'x-kubernetes-group-version-kind': { group, version, kind: t.kind },
          parameters: [
            { name: 'fieldValidation', in: 'query', schema: { type: 'string', uniqueItems: true } },
            { name: 'fieldManager', in: 'query', schema: { type: 'string', uniqueItems: true } },
          ],
          responses: { '200': { description: 'OK' } },
        },
      },
    ]),
  );
  return { openapi: '3.0.0', info: { title: 'Kubernetes', version: 'unversioned' }, paths, components: { schemas: {} } };
}

export function openApiRoot(registry: ResourceRegistry): object {
  const gvs = new Map(registry.all().map((t) => [pathOf(t.group, t.version), t]));
  const paths = Object.fromEntries(
    [...gvs].map(([path, t]) => {
      const hash = createHash('sha512')
        .update(JSON.stringify(openApiGroupVersion(registry, t.group, t.version)))
        .digest('hex')
        .toUpperCase();
      return [path, { serverRelativeURL: `/openapi/v3/${path}?hash=${hash}` }];
    }),
  );
  return { paths };
}
