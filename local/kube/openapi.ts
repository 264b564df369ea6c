/**
 * The OpenAPI v3 documents of the Kubernetes simulator: `/openapi/v3` (the index) and one document per
 * served group-version, built from the resource registry.
 *
 * They exist for client-side tooling, not for validation: helm and kubectl (cli-runtime
 * query_param_verifier_v3.go) skip client-side schema validation for a kind when its group-version
 * document has a PATCH operation tagged `x-kubernetes-group-version-kind` with a `fieldValidation`
 * query parameter (trap 3 of the research notes). The component schemas are therefore permissive
 * (`x-kubernetes-preserve-unknown-fields`), and the PATCH request bodies deliberately do not offer
 * `application/strategic-merge-patch+json`: kubectl's client-side apply then builds its strategic merge
 * patch from its compiled-in types (with the real merge keys) instead of from these schemas, which know
 * no merge keys (kubectl apply/patcher.go `gvkSupportsPatchOpenAPIV3`).
 */
import { createHash } from 'node:crypto';
import { type ResourceRegistry, type ResourceType, verbsOf } from './resources.js';

const GVK_EXTENSION = 'x-kubernetes-group-version-kind';

/** The URL prefix of a group-version: `api/v1` for the core group, `apis/<group>/<version>` otherwise. */
const pathPrefixOf = (group: string, version: string): string => (group ? `apis/${group}/${version}` : `api/${version}`);

/** The component schema name, in kube-apiserver's style (`io.k8s.api.apps.v1.Deployment`; CRDs by reversed group). */
function schemaNameOf(type: Pick<ResourceType, 'group' | 'version' | 'kind'>): string {
  if (type.group === '') return `io.k8s.api.core.${type.version}.${type.kind}`;
  if (type.group.endsWith('.k8s.io') || !type.group.includes('.')) return `io.k8s.api.${type.group.split('.')[0]}.${type.version}.${type.kind}`;
  return `${type.group.split('.').reverse().join('.')}.${type.version}.${type.kind}`;
}

const queryParam = (name: string, description: string, type: 'string' | 'boolean' | 'integer' = 'string'): object => ({
  name,
  in: 'query',
  description,
  schema: { type, uniqueItems: true },
});

const FIELD_VALIDATION = queryParam(
  'fieldValidation',
  'How the server treats unknown or duplicate fields: Ignore, Warn or Strict. The simulator validates on the server.',
);
const DRY_RUN = queryParam('dryRun', 'When present (All), the request is validated but not persisted.');
const FIELD_MANAGER = queryParam('fieldManager', 'The name of the actor making the change, for managedFields.');
const FORCE = queryParam('force', 'Server-side apply only: take ownership of conflicting fields.', 'boolean');
const PRETTY = queryParam('pretty', 'Pretty-print the output.');
const LIST_PARAMS = [
  queryParam('labelSelector', 'Restrict the list by label selector.'),
  queryParam('fieldSelector', 'Restrict the list by field selector.'),
  queryParam('resourceVersion', 'The resource version to list or watch from.'),
  queryParam('watch', 'Watch for changes instead of listing.', 'boolean'),
  queryParam('timeoutSeconds', 'Timeout of a list or watch call.', 'integer'),
  queryParam('limit', 'Maximum number of items to return.', 'integer'),
  queryParam('continue', 'Continue token of a paged list.'),
];
const pathParam = (name: string): object => ({ name, in: 'path', required: true, description: `The ${name} of the object.`, schema: { type: 'string' } });

const jsonBody = (ref: string): object => ({ content: { 'application/json': { schema: { $ref: ref } } } });
const okResponse = (ref: string, status = '200'): object => ({ [status]: { description: 'OK', ...jsonBody(ref) } });
const PATCH_BODY = {
  content: Object.fromEntries(
    ['application/json-patch+json', 'application/merge-patch+json', 'application/apply-patch+yaml'].map((t) => [t, { schema: { type: 'object' } }]),
  ),
  required: true,
};

/** One operation, tagged with the GVK (an object on operations, a list on schemas, as kube-apiserver does). */
function operation(type: ResourceType, action: string, summary: string, extra: object): object {
  return {
    tags: [type.group || 'core'],
    description: summary,
    operationId: `${action}${type.kind}`,
    'x-kubernetes-action': action,
    [GVK_EXTENSION]: { group: type.group, version: type.version, kind: type.kind },
    ...extra,
  };
}

/** The paths of one type: item (get, put, patch, delete), collection (list, post, deletecollection), subresources. */
function pathsOf(type: ResourceType): Record<string, object> {
  const prefix = `/${pathPrefixOf(type.group, type.version)}${type.namespaced ? '/namespaces/{namespace}' : ''}/${type.plural}`;
  const scopeParams = type.namespaced ? [pathParam('namespace')] : [];
  const ref = `#/components/schemas/${schemaNameOf(type)}`;
  const listRef = `#/components/schemas/${schemaNameOf(type)}List`;
  const verbs = new Set(verbsOf(type));
  const writeParams = [DRY_RUN, FIELD_MANAGER, FIELD_VALIDATION, PRETTY];
  const item: Record<string, unknown> = { parameters: [pathParam('name'), ...scopeParams] };
  if (verbs.has('get')) item.get = operation(type, 'get', `read the specified ${type.kind}`, { parameters: [PRETTY], responses: okResponse(ref) });
  if (verbs.has('update'))
    item.put = operation(type, 'put', `replace the specified ${type.kind}`, {
      parameters: writeParams,
      requestBody: jsonBody(ref),
      responses: okResponse(ref),
    });
  if (verbs.has('patch')) {
    item.patch = operation(type, 'patch', `partially update the specified ${type.kind}`, {
      parameters: [...writeParams, FORCE],
      requestBody: PATCH_BODY,
      responses: okResponse(ref),
    });
  }
  if (verbs.has('delete')) item.delete = operation(type, 'delete', `delete a ${type.kind}`, { parameters: [DRY_RUN, PRETTY], responses: okResponse(ref) });
  const collection: Record<string, unknown> = { parameters: scopeParams };
  if (verbs.has('list'))
    collection.get = operation(type, 'list', `list or watch objects of kind ${type.kind}`, { parameters: LIST_PARAMS, responses: okResponse(listRef) });
  if (verbs.has('create'))
    collection.post = operation(type, 'post', `create a ${type.kind}`, {
      parameters: writeParams,
      requestBody: jsonBody(ref),
      responses: okResponse(ref, '201'),
    });
  if (verbs.has('deletecollection')) {
    collection.delete = operation(type, 'deletecollection', `delete a collection of ${type.kind}`, {
      parameters: [...LIST_PARAMS, DRY_RUN],
      responses: okResponse(listRef),
    });
  }
  const paths: Record<string, object> = { [prefix]: collection, [`${prefix}/{name}`]: item };
  if (type.namespaced && verbs.has('list')) {
    paths[`/${pathPrefixOf(type.group, type.version)}/${type.plural}`] = {
      get: operation(type, 'list', `list or watch objects of kind ${type.kind} in all namespaces`, { parameters: LIST_PARAMS, responses: okResponse(listRef) }),
    };
  }
  if (type.status) {
    paths[`${prefix}/{name}/status`] = {
      parameters: [pathParam('name'), ...scopeParams],
      get: operation(type, 'get', `read status of the specified ${type.kind}`, { parameters: [PRETTY], responses: okResponse(ref) }),
      put: operation(type, 'put', `replace status of the specified ${type.kind}`, {
        parameters: writeParams,
        requestBody: jsonBody(ref),
        responses: okResponse(ref),
      }),
      patch: operation(type, 'patch', `partially update status of the specified ${type.kind}`, {
        parameters: [...writeParams, FORCE],
        requestBody: PATCH_BODY,
        responses: okResponse(ref),
      }),
    };
  }
  for (const subresource of type.subresources ?? []) Object.assign(paths, subresourcePaths(type, subresource, prefix, scopeParams));
  return paths;
}

const SCALE = { group: 'autoscaling', version: 'v1', kind: 'Scale' } as const;
const EVICTION = { group: 'policy', version: 'v1', kind: 'Eviction' } as const;
const STATUS_REF = '#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.Status';

/** The paths of `scale` (autoscaling/v1 Scale), `eviction` (policy/v1 Eviction) and `log` (text) under an object. */
function subresourcePaths(type: ResourceType, subresource: string, prefix: string, scopeParams: object[]): Record<string, object> {
  const path = `${prefix}/{name}/${subresource}`;
  const parameters = [pathParam('name'), ...scopeParams];
  const writeParams = [DRY_RUN, FIELD_MANAGER, FIELD_VALIDATION, PRETTY];
  if (subresource === 'scale') {
    const ref = `#/components/schemas/${schemaNameOf(SCALE)}`;
    const scaleOperation = (action: string, summary: string, extra: object): object => ({
      ...operation(type, action, summary, extra),
      operationId: `${action}${type.kind}Scale`,
      [GVK_EXTENSION]: SCALE,
    });
    return {
      [path]: {
        parameters,
        get: scaleOperation('get', `read scale of the specified ${type.kind}`, { parameters: [PRETTY], responses: okResponse(ref) }),
        put: scaleOperation('put', `replace scale of the specified ${type.kind}`, {
          parameters: writeParams,
          requestBody: jsonBody(ref),
          responses: okResponse(ref),
        }),
        patch: scaleOperation('patch', `partially update scale of the specified ${type.kind}`, {
          parameters: [...writeParams, FORCE],
          requestBody: PATCH_BODY,
          responses: okResponse(ref),
        }),
      },
    };
  }
  if (subresource === 'eviction') {
    const ref = `#/components/schemas/${schemaNameOf(EVICTION)}`;
    const post = operation(type, 'post', `create eviction of a ${type.kind}`, {
      parameters: writeParams,
      requestBody: jsonBody(ref),
      responses: okResponse(STATUS_REF, '201'),
    });
    return { [path]: { parameters, post: { ...post, operationId: `create${type.kind}Eviction`, [GVK_EXTENSION]: EVICTION } } };
  }
  const text = { '200': { description: 'OK', content: { 'text/plain': { schema: { type: 'string' } } } } };
  return {
    [path]: {
      parameters,
      get: { ...operation(type, 'get', `read ${subresource} of the specified ${type.kind}`, { responses: text }), operationId: `read${type.kind}Log` },
    },
  };
}

/** The schemas subresources refer to (Scale, Eviction, Status), added to a document whose types have those subresources. */
function subresourceSchemas(types: readonly ResourceType[]): Record<string, object> {
  const subresources = new Set(types.flatMap((t) => t.subresources ?? []));
  const permissive = (description: string, gvk?: object): object => ({
    type: 'object',
    description,
    'x-kubernetes-preserve-unknown-fields': true,
    ...(gvk ? { [GVK_EXTENSION]: [gvk] } : {}),
  });
  const schemas: Record<string, object> = {};
  if (subresources.has('scale')) schemas[schemaNameOf(SCALE)] = permissive('Scale represents a scaling request for a resource.', SCALE);
  if (subresources.has('eviction')) {
    schemas[schemaNameOf(EVICTION)] = permissive('Eviction evicts a pod from its node subject to certain policies and safety constraints.', EVICTION);
    schemas['io.k8s.apimachinery.pkg.apis.meta.v1.Status'] = permissive('Status is a return value for calls that do not return other objects.', {
      group: '',
      version: 'v1',
      kind: 'Status',
    });
  }
  return schemas;
}

/** A permissive schema: any object with these fields is valid; the simulator's server decides. */
function schemasOf(type: ResourceType): Record<string, object> {
  const gvk = (kind: string): object[] => [{ group: type.group, version: type.version, kind }];
  const common = {
    apiVersion: { type: 'string', description: 'The versioned schema of this representation of an object.' },
    kind: { type: 'string', description: 'The REST resource this object represents.' },
  };
  return {
    [schemaNameOf(type)]: {
      type: 'object',
      description: `${type.kind} (${type.group || 'core'}/${type.version}). Permissive schema: the simulator validates on the server.`,
      properties: {
        ...common,
        metadata: { type: 'object', description: 'Standard object metadata.', 'x-kubernetes-preserve-unknown-fields': true },
      },
      'x-kubernetes-preserve-unknown-fields': true,
      [GVK_EXTENSION]: gvk(type.kind),
    },
    [`${schemaNameOf(type)}List`]: {
      type: 'object',
      description: `A list of ${type.kind}.`,
      required: ['items'],
      properties: {
        ...common,
        metadata: { type: 'object', description: 'Standard list metadata.', 'x-kubernetes-preserve-unknown-fields': true },
        items: { type: 'array', items: { $ref: `#/components/schemas/${schemaNameOf(type)}` } },
      },
      [GVK_EXTENSION]: gvk(`${type.kind}List`),
    },
  };
}

/** The OpenAPI 3.0 document of one group-version, or undefined when it is not served (404). */
export function openApiGroupVersion(registry: ResourceRegistry, group: string, version: string): object | undefined {
  const types = registry.all().filter((t) => t.group === group && t.version === version);
  if (types.length === 0) return undefined;
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes (local simulator)', version: 'v1.35.1' },
    paths: Object.assign({}, ...types.map(pathsOf)) as Record<string, object>,
    components: { schemas: Object.assign(subresourceSchemas(types), ...types.map(schemasOf)) as Record<string, object> },
  };
}

/**
 * `/openapi/v3`: every served group-version with the URL of its document. The `hash` is the document's
 * digest, so a client's cache (keyed by that URL) misses as soon as a CRD changes the group-version.
 */
export function openApiRoot(registry: ResourceRegistry): object {
  const gvs = new Map<string, [string, string]>();
  for (const type of registry.all()) gvs.set(pathPrefixOf(type.group, type.version), [type.group, type.version]);
  const paths: Record<string, { serverRelativeURL: string }> = {};
  for (const [key, [group, version]] of gvs) {
    const hash = createHash('sha512')
      .update(JSON.stringify(openApiGroupVersion(registry, group, version)))
      .digest('hex')
      .toUpperCase();
    paths[key] = { serverRelativeURL: `/openapi/v3/${key}?hash=${hash}` };
  }
  return { paths };
}

/**
 * The Content-Type of the `/openapi/v2` answer. client-go asks for
 * `application/com.github.proto-openapi.spec.v2@v1.0+protobuf` but parses the answer as protobuf
 * whatever its type; a type with `@` fails Go's mime parser, so a plain binary type is given.
 */
export const OPENAPI_V2_CONTENT_TYPE = 'application/octet-stream';

/**
 * `/openapi/v2`: a protobuf OpenAPI v2 document (gnostic `Document`) that describes no kind, only
 * `swagger: "2.0"`. Clients reach it only when v3 says a kind has no server-side field validation,
 * which is the case for `kind: List` manifests (cli-runtime refuses List outright). kubectl then
 * validates on the client against this document, finds no schema for the kind, and accepts it, where
 * a 404 would fail the command ("error validating data").
 */
export function openApiV2(): Uint8Array {
  const swagger = new TextEncoder().encode('2.0');
  return Uint8Array.from([0x0a, swagger.length, ...swagger]); // field 1 (swagger), length-delimited
}
