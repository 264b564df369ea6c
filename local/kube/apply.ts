import { KubeApiError } from './errors.js';
import type { KubeObject } from './store.js';

type JsonMap = Record<string, unknown>;
type ManagedFieldsEntry = { manager: string; operation: string; apiVersion?: string; time?: string; fieldsType?: string; fieldsV1?: JsonMap };

const isMap = (value: unknown): value is JsonMap => typeof value === 'object' && value !== null && !Array.isArray(value);

// Identity and server-owned fields are never part of a manager's field set.
const IGNORED = new Set([
  'apiVersion',
  'kind',
  'status',
  'metadata.name',
  'metadata.namespace',
  'metadata.resourceVersion',
  'metadata.uid',
  'metadata.managedFields',
  'metadata.creationTimestamp',
  'metadata.generation',
]);

/**
 * The leaf paths of an applied object. Maps are walked; lists and scalars are leaves (a
 * simplification: Kubernetes tracks associative list items one by one, here a list is owned whole).
 */
function leafPaths(value: unknown, prefix: string[] = []): string[][] {
  if (!isMap(value) || (prefix.length > 0 && Object.keys(value).length === 0)) return [prefix];
  return Object.entries(value).flatMap(([key, child]) => {
    const path = [...prefix, key];
    return IGNORED.has(path.join('.')) ? [] : leafPaths(child, path);
  });
}

const toFieldsV1 = (paths: string[][]): JsonMap => {
  const root: JsonMap = {};
  for (const path of paths) {
    let node = root;
    for (const key of path) node = (node[`f:${key}`] ??= {}) as JsonMap;
  }
  return root;
};

const fromFieldsV1 = (fields: JsonMap | undefined, prefix: string[] = []): string[][] => {
  const entries = Object.entries(fields ?? {}).filter(([key]) => key.startsWith('f:'));
  if (entries.length === 0) return prefix.length ? [prefix] : [];
  return entries.flatMap(([key, child]) => fromFieldsV1(child as JsonMap, [...prefix, key.slice(2)]));
};

const valueAt = (object: unknown, path: string[]): unknown => path.reduce<unknown>((node, key) => (isMap(node) ? node[key] : undefined), object);

function removeAt(object: JsonMap, path: string[]): void {
  const parentNode = valueAt(object, path.slice(0, -1));
  const last = path[path.length - 1];
  if (isMap(parentNode) && last !== undefined) delete parentNode[last];
}

// Maps merge, everything else (lists too) is replaced by the applied value.
function overlay(target: unknown, applied: unknown): unknown {
  if (!isMap(applied) || !isMap(target)) return structuredClone(applied);
  const result: JsonMap = { ...target };
  for (const [key, value] of Object.entries(applied)) result[key] = overlay(result[key], value);
  return result;
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);
const pathKey = (path: string[]): string => path.join('\u0000');

/**
 * Server-side apply (`application/apply-patch+yaml`): the manager's applied configuration is laid
 * over the live object, fields this manager applied last time and no longer applies are removed
 * (that is how a field taken out of a chart disappears), and a field another applier owns with a
 * different value is a 409 Conflict unless `force`. Ownership is kept in `metadata.managedFields`
 * entries with `operation: Apply` (FieldsV1 shape, lists owned whole).
 */
export function serverSideApply(live: KubeObject | undefined, applied: KubeObject, manager: string, force: boolean): KubeObject {
  const entries: ManagedFieldsEntry[] = structuredClone((live?.metadata.managedFields as ManagedFieldsEntry[] | undefined) ?? []);
  const mine = entries.find((e) => e.manager === manager && e.operation === 'Apply');
  const others = entries.filter((e) => e !== mine && e.operation === 'Apply');
  const newPaths = leafPaths(applied);
  const newKeys = new Set(newPaths.map(pathKey));

  const conflicts: string[] = [];
  for (const other of others) {
    const owned = fromFieldsV1(other.fieldsV1);
    const kept = owned.filter((path) => {
      if (!newKeys.has(pathKey(path)) || same(valueAt(live, path), valueAt(applied, path))) return true;
      if (!force) conflicts.push(`.${path.join('.')} (owned by "${other.manager}")`);
      return false;
    });
    other.fieldsV1 = toFieldsV1(kept);
  }
  if (conflicts.length) {
    throw new KubeApiError(
      409,
      'Conflict',
      `Apply failed with ${conflicts.length} conflict${conflicts.length > 1 ? 's' : ''}: conflicts with ${conflicts.join(', ')}`,
      {
        causes: conflicts.map((message) => ({ reason: 'FieldManagerConflict', message })),
      },
    );
  }

  const result = structuredClone(live ?? applied);
  const ownedByOthers = new Set(others.flatMap((o) => fromFieldsV1(o.fieldsV1)).map(pathKey));
  for (const path of fromFieldsV1(mine?.fieldsV1)) if (!newKeys.has(pathKey(path)) && !ownedByOthers.has(pathKey(path))) removeAt(result, path);
  const merged = overlay(result, applied) as KubeObject;

  const entry: ManagedFieldsEntry = {
    manager,
    operation: 'Apply',
    apiVersion: typeof applied.apiVersion === 'string' ? applied.apiVersion : undefined,
    time: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    fieldsType: 'FieldsV1',
    fieldsV1: toFieldsV1(newPaths),
  };
  merged.metadata.managedFields = [...entries.filter((e) => e !== mine && (e.operation !== 'Apply' || fromFieldsV1(e.fieldsV1).length > 0)), entry];
  return merged;
}
