/**
 * The shared pieces of server-side printing: column definitions, the printer shape, and the cell
 * formats kube-apiserver's printers share (ages, label selectors, a template's containers).
 */
import { since } from './human-duration.js';
import { labelSelectorString, type LabelSelector } from './selectors.js';
import type { KubeObject } from './store.js';

export type ColumnDefinition = { name: string; type: string; format: string; description: string; priority: number };

/** How one type is printed: its columns, a row's cells (one per column, in order) and the row's conditions. */
export type Printer = { columns: ColumnDefinition[]; cells: (object: KubeObject) => unknown[]; conditions?: (object: KubeObject) => object[] | undefined };

/** A column: `name` as kubectl upper-cases it into the header, `wide` for priority 1 (`-o wide` only). */
export const column = (name: string, description: string, options: { type?: string; wide?: boolean; format?: string } = {}): ColumnDefinition => ({
  name,
  type: options.type ?? 'string',
  format: options.format ?? '',
  description,
  priority: options.wide ? 1 : 0,
});

export const NAME = column('Name', 'Name must be unique within a namespace.', { format: 'name' });
export const AGE = column('Age', 'CreationTimestamp is a timestamp representing the server time when this object was created.');
export const CONTAINERS = column('Containers', 'Names of each container in the template.', { wide: true });
export const IMAGES = column('Images', 'Images referenced by each container in the template.', { wide: true });
export const SELECTOR = column('Selector', 'Label selector for pods.', { wide: true });

type Obj = Record<string, unknown>;
/** The value at a dotted path of an object, or undefined. */
export const get = (object: unknown, path: string): unknown =>
  path.split('.').reduce<unknown>((value, key) => (value && typeof value === 'object' ? (value as Obj)[key] : undefined), object);
/** The number at a dotted path (0 when absent). */
export const num = (object: unknown, path: string): number => Number(get(object, path) ?? 0);
/** The value at a dotted path as cell text; `fallback` when absent or empty. */
export const str = (object: unknown, path: string, fallback = '<none>'): string => {
  const value = get(object, path);
  if (value === undefined || value === null || value === '') return fallback;
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? String(value) : JSON.stringify(value);
};
/** How many entries a list or map has. */
export const count = (value: unknown): number => (Array.isArray(value) ? value.length : value && typeof value === 'object' ? Object.keys(value).length : 0);
/** The AGE cell. */
export const age = (object: KubeObject): string => since(object.metadata.creationTimestamp);
/** A LabelSelector cell (`<none>` when empty). */
export const selectorText = (selector: unknown): string => labelSelectorString(selector as LabelSelector | undefined) || '<none>';
/** A label map cell, sorted `k=v,k2=v2` (`<none>` when empty). */
export const mapText = (labels: unknown): string =>
  Object.entries((labels ?? {}) as Record<string, string>)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([k, v]) => `${k}=${v}`)
    .join(',') || '<none>';

/** The CONTAINERS and IMAGES cells of a pod template. */
export function containerCells(template: unknown): [string, string] {
  const containers = (get(template, 'spec.containers') ?? []) as { name?: string; image?: string }[];
  return [containers.map((c) => c.name ?? '').join(','), containers.map((c) => c.image ?? '').join(',')];
}
