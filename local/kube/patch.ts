import { badRequest, KubeApiError } from './errors.js';

type Json = unknown;
type JsonMap = Record<string, Json>;

const isMap = (value: Json): value is JsonMap => typeof value === 'object' && value !== null && !Array.isArray(value);

/** RFC 7386 JSON merge patch: maps merge recursively, `null` deletes, anything else replaces. */
export function mergePatch(target: Json, patch: Json): Json {
  if (!isMap(patch)) return structuredClone(patch);
  const result: JsonMap = isMap(target) ? structuredClone(target) : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = mergePatch(result[key], value);
  }
  return result;
}

const unescape = (token: string): string => token.replace(/~1/g, '/').replace(/~0/g, '~');

function parent(document: Json, path: string): { container: JsonMap | Json[]; key: string } {
  if (!path.startsWith('/')) throw badRequest(`invalid JSON pointer: ${path}`);
  const tokens = path.slice(1).split('/').map(unescape);
  const key = tokens.pop() ?? '';
  let container: Json = document;
  for (const token of tokens) {
    container = Array.isArray(container) ? container[Number(token)] : isMap(container) ? container[token] : undefined;
    if (container === undefined)
      throw new KubeApiError(422, 'Invalid', `the server rejected our request due to an error in our request: path ${path} not found`);
  }
  if (!isMap(container) && !Array.isArray(container)) throw badRequest(`path ${path} does not name a container`);
  return { container, key };
}

function read(document: Json, path: string): Json {
  if (path === '') return document;
  const { container, key } = parent(document, path);
  return Array.isArray(container) ? container[key === '-' ? container.length - 1 : Number(key)] : container[key];
}

function write(document: Json, path: string, value: Json, mode: 'add' | 'replace' | 'remove'): void {
  const { container, key } = parent(document, path);
  if (Array.isArray(container)) {
    const index = key === '-' ? container.length : Number(key);
    if (mode === 'add') container.splice(index, 0, value);
    else if (mode === 'replace') container[index] = value;
    else container.splice(index, 1);
    return;
  }
  if (mode !== 'add' && !(key in container)) throw new KubeApiError(422, 'Invalid', `the server rejected our request: path ${path} does not exist`);
  if (mode === 'remove') delete container[key];
  else container[key] = value;
}

type Operation = { op: string; path: string; value?: Json; from?: string };

/** RFC 6902 JSON patch (client-node's default patch type): add, remove, replace, move, copy, test. */
export function jsonPatch(target: Json, operations: Json): Json {
  if (!Array.isArray(operations)) throw badRequest('a JSON patch must be an array of operations');
  const document = { root: structuredClone(target) };
  const at = (path: string): string => `/root${path}`;
  for (const operation of operations as Operation[]) {
    switch (operation.op) {
      case 'add':
      case 'replace':
        write(document, at(operation.path), structuredClone(operation.value), operation.op);
        break;
      case 'remove':
        write(document, at(operation.path), undefined, 'remove');
        break;
      case 'move':
      case 'copy': {
        const value = structuredClone(read(document, at(operation.from ?? '')));
        if (operation.op === 'move') write(document, at(operation.from ?? ''), undefined, 'remove');
        write(document, at(operation.path), value, 'add');
        break;
      }
      case 'test':
        if (JSON.stringify(read(document, at(operation.path))) !== JSON.stringify(operation.value))
          throw new KubeApiError(422, 'Invalid', `the server rejected our request: test operation failed at ${operation.path}`);
        break;
      default:
        throw badRequest(`unknown JSON patch operation: ${operation.op}`);
    }
  }
  return document.root;
}

/**
 * The merge keys of the built-in types' lists, by field name (the `patchMergeKey` tags of
 * k8s.io/api). A list not named here is replaced whole, as Kubernetes does for atomic lists.
 * `ports` is keyed by `containerPort` in containers and by `port` in Services.
 */
const MERGE_KEYS: Record<string, string | ((item: JsonMap) => string)> = {
  containers: 'name',
  initContainers: 'name',
  ephemeralContainers: 'name',
  env: 'name',
  volumes: 'name',
  imagePullSecrets: 'name',
  volumeMounts: 'mountPath',
  volumeDevices: 'devicePath',
  hostAliases: 'ip',
  conditions: 'type',
  ownerReferences: 'uid',
  ports: (item) => ('containerPort' in item ? 'containerPort' : 'port'),
};
/** Lists of scalars that strategic merge unions instead of replacing. */
const MERGED_SCALAR_LISTS = new Set(['finalizers']);

const mergeKeyOf = (field: string, item: JsonMap): string | undefined => {
  const key = MERGE_KEYS[field];
  return typeof key === 'function' ? key(item) : key;
};

function mergeList(field: string, original: Json[], patch: Json[]): Json[] {
  const first = patch.find(isMap) ?? original.find(isMap);
  const key = first ? mergeKeyOf(field, first) : undefined;
  if (!key) {
    if (MERGED_SCALAR_LISTS.has(field)) return [...new Set([...original, ...patch])];
    return patch.map((item) => (isMap(item) ? strategicMergePatch({}, item) : item));
  }
  const result = original.map((item) => structuredClone(item));
  for (const item of patch) {
    if (!isMap(item)) continue;
    const index = result.findIndex((existing) => isMap(existing) && existing[key] === item[key]);
    if (item.$patch === 'delete') {
      if (index >= 0) result.splice(index, 1);
    } else if (item.$patch === 'replace') {
      const { $patch: _directive, ...rest } = item;
      if (index >= 0) result[index] = rest;
      else result.push(rest);
    } else if (index >= 0) result[index] = strategicMergePatch(result[index], item);
    else result.push(strategicMergePatch({}, item));
  }
  return result;
}

/**
 * Strategic merge patch (kubectl's client-side apply and helm's three-way patch for built-in
 * types): maps merge, `null` deletes, lists with a merge key merge item by item, and the
 * directives `$patch: delete|replace`, `$retainKeys`, `$deleteFromPrimitiveList/<f>` and
 * `$setElementOrder/<f>` (order only; ignored) are honoured.
 */
export function strategicMergePatch(target: Json, patch: Json): Json {
  if (!isMap(patch)) return structuredClone(patch);
  if (patch.$patch === 'delete') return undefined;
  if (patch.$patch === 'replace') {
    const { $patch: _directive, ...rest } = patch;
    return strategicMergePatch({}, rest);
  }
  const result: JsonMap = isMap(target) ? structuredClone(target) : {};
  for (const [key, value] of Object.entries(patch)) {
    if (key.startsWith('$setElementOrder/') || key === '$retainKeys' || key === '$patch') continue;
    if (key.startsWith('$deleteFromPrimitiveList/')) {
      const field = key.slice('$deleteFromPrimitiveList/'.length);
      const current = result[field];
      if (Array.isArray(current) && Array.isArray(value)) result[field] = current.filter((item) => !value.includes(item));
      continue;
    }
    if (value === null) delete result[key];
    else if (Array.isArray(value)) result[key] = mergeList(key, Array.isArray(result[key]) ? result[key] : [], value);
    else if (isMap(value)) {
      const merged = strategicMergePatch(result[key], value);
      if (merged === undefined) delete result[key];
      else result[key] = merged;
    } else result[key] = value;
  }
  if (Array.isArray(patch.$retainKeys)) {
    for (const key of Object.keys(result)) if (!patch.$retainKeys.includes(key)) delete result[key];
  }
  return result;
}
