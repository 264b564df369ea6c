/**
 * Server-side printing: `kubectl get` asks for `application/json;as=Table;v=v1;g=meta.k8s.io` and
 * prints the `meta.k8s.io/v1` Table it gets back as it is, so the columns and cells here are what a
 * person sees. Built-in types print with `table-columns.ts`, custom resources with their CRD's
 * `additionalPrinterColumns`, everything else with NAME and AGE.
 */
import { badRequest } from './errors.js';
import { since } from './human-duration.js';
import type { KubeRest } from './rest.js';
import type { ResourceType } from './resources.js';
import type { KubeObject } from './store.js';
import { MORE_PRINTERS } from './table-columns-more.js';
import { WORKLOAD_PRINTERS } from './table-columns-workloads.js';
import { BUILT_IN_PRINTERS } from './table-columns.js';
import { AGE, column, NAME, type Printer } from './table-format.js';

const TABLE_GROUP = 'meta.k8s.io';

/** Whether an Accept header asks for a Table (any listed media range does; kubectl lists v1, v1beta1, then plain JSON). */
export function acceptsTable(accept: string | undefined): boolean {
  return (accept ?? '').split(',').some((range) => {
    const [base = '', ...params] = range.split(';').map((p) => p.trim());
    const values = new Map(params.map((p) => p.split('=').map((v) => v.trim()) as [string, string]));
    return base === 'application/json' && values.get('as') === 'Table' && values.get('g') === TABLE_GROUP && ['v1', 'v1beta1'].includes(values.get('v') ?? '');
  });
}

export type IncludeObject = 'None' | 'Metadata' | 'Object';

/** The `includeObject` query parameter: what each row's `object` carries (Metadata by default, as kube-apiserver does). */
export function includeObjectOf(query: URLSearchParams): IncludeObject {
  const value = query.get('includeObject') ?? 'Metadata';
  if (value === 'None' || value === 'Metadata' || value === 'Object') return value;
  throw badRequest(`includeObject: Unsupported value: "${value}": supported values: "Metadata", "None", "Object"`);
}

type PrinterColumn = { name: string; type: string; format?: string; description?: string; priority?: number; jsonPath: string };
type CrdVersion = { name: string; additionalPrinterColumns?: PrinterColumn[] };

/**
 * Evaluates the JSONPath subset CRD printer columns use: `.a.b`, `.a[0]`, `.a[*]`,
 * `.a[?(@.type=="Ready")].status`. Returns every match, as kubectl's JSONPath does.
 */
export function jsonPathResults(object: unknown, path: string): unknown[] {
  const steps = path.replace(/^\{|\}$/g, '').match(/\[\?\(@\.[\w.-]+\s*==\s*(?:"[^"]*"|'[^']*')\)\]|\[[^\]]*\]|[^.[\]]+/g) ?? [];
  let values: unknown[] = [object];
  for (const step of steps) {
    const next: unknown[] = [];
    const filter = /^\[\?\(@\.([\w.-]+)\s*==\s*["']([^"']*)["']\)\]$/.exec(step);
    for (const value of values) {
      if (value === null || typeof value !== 'object') continue;
      const items: unknown[] = Array.isArray(value) ? value : Object.values(value);
      if (filter) {
        if (Array.isArray(value)) for (const item of items) if (jsonPathResults(item, `.${filter[1]}`)[0] === filter[2]) next.push(item);
      } else if (step === '[*]') next.push(...items);
      else if (/^\[-?\d+\]$/.test(step) && Array.isArray(value)) {
        const item = items.at(Number(step.slice(1, -1)));
        if (item !== undefined) next.push(item);
      } else {
        const key = step.replace(/^\[['"]?|['"]?\]$/g, '');
        const item = (value as Record<string, unknown>)[key];
        if (item !== undefined) next.push(item);
      }
    }
    values = next;
  }
  return values;
}

/** One cell of a CRD printer column, typed as apiextensions-apiserver does (dates become ages). */
function crdCell(type: string, values: unknown[]): unknown {
  if (values.length === 0) return null;
  const value = values[0];
  if (type === 'date') return typeof value === 'string' ? since(value) : '<invalid>';
  if (type === 'integer' || type === 'number' || type === 'boolean') return value;
  if (values.length > 1) return values.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))).join(',');
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** The printer of a custom resource: its CRD version's additionalPrinterColumns after NAME, or NAME and AGE. */
function customPrinter(rest: KubeRest, type: ResourceType): Printer | undefined {
  const crd = rest.store.get({ group: 'apiextensions.k8s.io', plural: 'customresourcedefinitions', namespace: '', name: `${type.plural}.${type.group}` });
  if (!crd) return undefined;
  const versions = (crd.spec as { versions?: CrdVersion[] } | undefined)?.versions ?? [];
  const printerColumns = versions.find((v) => v.name === type.version)?.additionalPrinterColumns;
  if (!printerColumns?.length) return undefined;
  return {
    columns: [NAME, ...printerColumns.map((c) => ({ ...column(c.name, c.description ?? '', { type: c.type, format: c.format }), priority: c.priority ?? 0 }))],
    cells: (object) => [object.metadata.name, ...printerColumns.map((c) => crdCell(c.type, jsonPathResults(object, c.jsonPath)))],
  };
}

const DEFAULT_PRINTER: Printer = { columns: [NAME, AGE], cells: (o) => [o.metadata.name, since(o.metadata.creationTimestamp)] };

/**
 * How a type prints: its built-in columns, its CRD's printer columns, or NAME and AGE (what
 * apiextensions-apiserver prints for a CRD without printer columns).
 */
export function printerFor(rest: KubeRest, type: ResourceType): Printer {
  const key = `${type.group}/${type.kind}`;
  return BUILT_IN_PRINTERS[key] ?? WORKLOAD_PRINTERS[key] ?? MORE_PRINTERS[key] ?? customPrinter(rest, type) ?? DEFAULT_PRINTER;
}

function rowObject(object: KubeObject, include: IncludeObject): object | undefined {
  if (include === 'None') return undefined;
  if (include === 'Object') return object;
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: object.metadata };
}

/** A meta.k8s.io/v1 Table of `objects`: every column (kubectl hides priority 1 unless `-o wide`), one row per object. */
export function tableOf(
  printer: Printer,
  objects: readonly KubeObject[],
  resourceVersion: string | undefined,
  include: IncludeObject,
): Record<string, unknown> {
  return {
    kind: 'Table',
    apiVersion: `${TABLE_GROUP}/v1`,
    metadata: resourceVersion === undefined ? {} : { resourceVersion },
    columnDefinitions: printer.columns,
    rows: objects.map((object) => {
      const conditions = printer.conditions?.(object);
      const row: Record<string, unknown> = { cells: printer.cells(object) };
      if (conditions) row.conditions = conditions;
      const embedded = rowObject(object, include);
      if (embedded) row.object = embedded;
      return row;
    }),
  };
}
