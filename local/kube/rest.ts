import { randomBytes, randomUUID } from 'node:crypto';
import { serverSideApply } from './apply.js';
import { establishCrd } from './crd.js';
import { Deleter } from './deletion.js';
import { alreadyExists, badRequest, conflict, invalid, KubeApiError, notFound, unsupportedMediaType } from './errors.js';
import { jsonPatch, mergePatch, strategicMergePatch } from './patch.js';
import { BUILT_IN_TYPES, groupVersionOf, type ResourceRegistry, type ResourceType } from './resources.js';
import { fieldMatcher, labelMatcher } from './selectors.js';
import type { KubeObject, KubeStore, ObjectKey } from './store.js';

/**
 * An admission step (the API server's defaulting and validating admission): it may mutate the
 * object about to be stored (defaults, allocated cluster IPs) and throws a KubeApiError (422) to
 * refuse it. `live` is the stored object on update, undefined on create. It runs for dry runs too.
 */
export type Admitter = (type: ResourceType, object: KubeObject, live: KubeObject | undefined, rest: KubeRest) => void;

/** The query options every write understands. */
export type WriteOptions = { dryRun?: boolean; fieldManager?: string; force?: boolean; subresource?: string };

export const PATCH_TYPES = {
  json: 'application/json-patch+json',
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  apply: 'application/apply-patch+yaml',
} as const;

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const now = (): string => new Date().toISOString().replace(/\.\d+Z$/, 'Z');
const specOf = (object: KubeObject): string => {
  const { metadata: _m, status: _s, apiVersion: _a, kind: _k, ...rest } = object;
  return JSON.stringify(rest);
};

/**
 * Generic REST semantics over the store for every type the registry serves: metadata stamping
 * (uid, creationTimestamp, generation), optimistic concurrency, patches, status subresources and
 * dryRun. Deletion lives in `deletion.ts`, watch in `watch.ts`.
 */
export class KubeRest {
  readonly deleter: Deleter;
  /** Admission steps, run in order on every create and update (the cluster adds its own). */
  readonly admitters: Admitter[] = [];

  constructor(
    readonly store: KubeStore,
    readonly registry: ResourceRegistry,
  ) {
    this.deleter = new Deleter(this);
  }

  key(type: ResourceType, namespace: string | undefined, name: string): ObjectKey {
    return { group: type.group, plural: type.plural, namespace: type.namespaced ? (namespace ?? '') : '', name };
  }

  get(type: ResourceType, namespace: string | undefined, name: string): KubeObject {
    const found = this.store.get(this.key(type, namespace, name));
    if (!found) throw notFound(type.plural, type.group, name);
    return found;
  }

  /** A List object; its `metadata.resourceVersion` is where a following watch starts. */
  list(type: ResourceType, namespace: string | undefined, query: URLSearchParams): Record<string, unknown> {
    const labels = labelMatcher(query.get('labelSelector'));
    const fields = fieldMatcher(query.get('fieldSelector'));
    const items = this.store
      .list(type.group, type.plural, type.namespaced ? namespace : undefined)
      .filter((o) => labels(o) && fields(o))
      .sort((a, b) => `${a.metadata.namespace ?? ''}/${a.metadata.name}`.localeCompare(`${b.metadata.namespace ?? ''}/${b.metadata.name}`));
    return { kind: `${type.kind}List`, apiVersion: groupVersionOf(type), metadata: { resourceVersion: String(this.store.resourceVersion) }, items };
  }

  create(type: ResourceType, namespace: string | undefined, body: Record<string, unknown>, options: WriteOptions = {}): KubeObject {
    const object = this.normalize(type, namespace, body);
    const meta = object.metadata;
    if (!meta.name && typeof meta.generateName === 'string') meta.name = `${meta.generateName}${randomBytes(3).toString('hex').slice(0, 5)}`;
    this.validate(type, object);
    if (type.namespaced) this.requireNamespace(object.metadata.namespace ?? '');
    const key = this.key(type, namespace, meta.name);
    if (this.store.get(key)) throw alreadyExists(type.plural, type.group, meta.name);
    Object.assign(meta, { uid: randomUUID(), creationTimestamp: now(), generation: 1 });
    delete meta.deletionTimestamp;
    if (type.kind === 'Namespace') object.status = { phase: 'Active' };
    for (const admit of this.admitters) admit(type, object, undefined, this);
    return this.write(type, key, object, options);
  }

  /** PUT: with `metadata.resourceVersion` a stale one is 409 Conflict; without it the update is unconditional (helm's Secret updates). */
  update(type: ResourceType, namespace: string | undefined, name: string, body: Record<string, unknown>, options: WriteOptions = {}): KubeObject {
    const object = this.normalize(type, namespace, body);
    if (object.metadata.name !== name) throw badRequest(`the name of the object (${object.metadata.name}) does not match the name on the URL (${name})`);
    const live = this.store.get(this.key(type, namespace, name));
    if (!live) throw notFound(type.plural, type.group, name);
    const rv = object.metadata.resourceVersion;
    if (rv && rv !== live.metadata.resourceVersion)
      throw conflict(type.plural, type.group, name, 'the object has been modified; please apply your changes to the latest version and try again');
    return this.replace(type, live, object, options);
  }

  patch(type: ResourceType, namespace: string | undefined, name: string, contentType: string, body: unknown, options: WriteOptions = {}): KubeObject {
    const live = this.store.get(this.key(type, namespace, name));
    const patchType = (contentType.split(';')[0] ?? '').trim();
    if (patchType === PATCH_TYPES.apply) {
      const applied = this.normalize(type, namespace, body as Record<string, unknown>);
      if (applied.metadata.name !== name) throw badRequest(`the name of the object (${applied.metadata.name}) does not match the name on the URL (${name})`);
      const manager = options.fieldManager;
      if (!manager) throw badRequest('PATCH, application/apply-patch+yaml: fieldManager is required for apply requests');
      const merged = serverSideApply(live, applied, manager, options.force === true);
      return live ? this.replace(type, live, merged, options) : this.create(type, namespace, merged, options);
    }
    if (!live) throw notFound(type.plural, type.group, name);
    let patched: unknown;
    if (patchType === PATCH_TYPES.json) patched = jsonPatch(live, body);
    else if (patchType === PATCH_TYPES.merge) patched = mergePatch(live, body);
    else if (patchType === PATCH_TYPES.strategic) {
      // Strategic merge needs the Go struct tags of a built-in type; custom resources take merge patches only.
      if (!BUILT_IN_TYPES.includes(type)) throw unsupportedMediaType(contentType);
      patched = strategicMergePatch(live, body);
    } else throw unsupportedMediaType(contentType);
    const object = this.normalize(type, namespace, patched as Record<string, unknown>);
    const rv = (body as { metadata?: { resourceVersion?: string } } | null)?.metadata?.resourceVersion;
    if (rv && rv !== live.metadata.resourceVersion)
      throw conflict(type.plural, type.group, name, 'the object has been modified; please apply your changes to the latest version and try again');
    return this.replace(type, live, object, options);
  }

  /** Stores a new version of a live object: identity fields stay, status or spec is kept per subresource, generation moves on spec change. */
  replace(type: ResourceType, live: KubeObject, next: KubeObject, options: WriteOptions): KubeObject {
    const object = structuredClone(next);
    for (const field of ['uid', 'creationTimestamp', 'generation', 'deletionTimestamp'] as const) {
      if (live.metadata[field] === undefined) delete object.metadata[field];
      else (object.metadata as Record<string, unknown>)[field] = live.metadata[field];
    }
    if (type.status || type.kind === 'Namespace') {
      if (options.subresource === 'status') {
        const { status } = object;
        Object.assign(object, structuredClone({ ...live, metadata: object.metadata }), { status });
      } else if (live.status === undefined) delete object.status;
      else object.status = live.status;
    }
    for (const admit of this.admitters) admit(type, object, live, this);
    if (specOf(object) !== specOf(live)) object.metadata.generation = (live.metadata.generation ?? 1) + 1;
    if (!object.metadata.managedFields && live.metadata.managedFields) object.metadata.managedFields = live.metadata.managedFields;
    this.validate(type, object);
    if (options.dryRun) return { ...object, metadata: { ...object.metadata, resourceVersion: live.metadata.resourceVersion } };
    return this.write(type, this.key(type, object.metadata.namespace, object.metadata.name), object, options);
  }

  write(type: ResourceType, key: ObjectKey, object: KubeObject, options: WriteOptions): KubeObject {
    if (type.kind === 'CustomResourceDefinition') establishCrd(this.registry, object);
    if (options.dryRun) return object;
    const stored = this.store.put(key, object);
    this.deleter.finishDeletion(type, stored);
    return stored;
  }

  /** Fills apiVersion, kind and namespace the way the API server defaults them. */
  normalize(type: ResourceType, namespace: string | undefined, body: Record<string, unknown>): KubeObject {
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw badRequest('the request body must be an object');
    const object = structuredClone(body) as KubeObject;
    object.apiVersion = groupVersionOf(type);
    object.kind = type.kind;
    object.metadata = { ...(object.metadata ?? {}) };
    if (type.namespaced) {
      if (object.metadata.namespace && namespace && object.metadata.namespace !== namespace)
        throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
      object.metadata.namespace = namespace ?? object.metadata.namespace;
    } else delete object.metadata.namespace;
    // The API server folds a Secret's write-only `stringData` into `data`, base64-encoded.
    if (type.kind === 'Secret' && type.group === '' && object.stringData && typeof object.stringData === 'object') {
      const encoded = Object.entries(object.stringData as Record<string, string>).map(([k, v]) => [k, Buffer.from(String(v)).toString('base64')]);
      object.data = { ...(object.data ?? {}), ...Object.fromEntries(encoded) };
      delete object.stringData;
    }
    return object;
  }

  private validate(type: ResourceType, object: KubeObject): void {
    const name = object.metadata.name;
    if (!name) throw invalid(type.kind, '', [{ field: 'metadata.name', message: 'Required value: name or generateName is required' }]);
    if (typeof name !== 'string' || name.length > 253 || !DNS_SUBDOMAIN.test(name))
      throw invalid(type.kind, String(name), [
        {
          field: 'metadata.name',
          message: `Invalid value: "${String(name)}": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.'`,
        },
      ]);
  }

  private requireNamespace(namespace: string): void {
    const found = this.store.get({ group: '', plural: 'namespaces', namespace: '', name: namespace });
    if (!found) throw notFound('namespaces', '', namespace);
    if (found.metadata.deletionTimestamp)
      throw new KubeApiError(403, 'Forbidden', `unable to create new content in namespace ${namespace} because it is being terminated`);
  }
}
