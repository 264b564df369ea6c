import { badRequest } from './errors.js';
import type { KubeObject } from './store.js';

/** A compiled selector: true when the object matches. */
export type Matcher = (object: KubeObject) => boolean;

type Requirement = { key: string; op: '=' | '!=' | 'in' | 'notin' | 'exists' | '!'; values: string[] };

// Splits on commas outside parentheses: `env in (a,b),tier=web` has two requirements.
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const char of text) {
    if (char === '(') depth++;
    if (char === ')') depth--;
    if (char === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else current += char;
  }
  parts.push(current);
  return parts.map((p) => p.trim()).filter(Boolean);
}

function parseRequirement(text: string): Requirement {
  const set = /^(\S+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(text);
  if (set) return { key: set[1] ?? '', op: set[2] as 'in' | 'notin', values: (set[3] ?? '').split(',').map((v) => v.trim()) };
  const equality = /^([^=!\s]+)\s*(==|=|!=)\s*(\S*)$/.exec(text);
  if (equality) return { key: equality[1] ?? '', op: equality[2] === '!=' ? '!=' : '=', values: [equality[3] ?? ''] };
  if (text.startsWith('!')) return { key: text.slice(1).trim(), op: '!', values: [] };
  if (/^[^\s=!(),]+$/.test(text)) return { key: text, op: 'exists', values: [] };
  throw badRequest(`unable to parse requirement: ${text}`);
}

function matches(requirement: Requirement, value: string | undefined): boolean {
  switch (requirement.op) {
    case '=':
      return value === requirement.values[0];
    case '!=':
      return value !== requirement.values[0];
    case 'in':
      return value !== undefined && requirement.values.includes(value);
    case 'notin':
      return value === undefined || !requirement.values.includes(value);
    case 'exists':
      return value !== undefined;
    case '!':
      return value === undefined;
  }
}

/** Compiles a `labelSelector` query (equality and set-based: `in`, `notin`, `key`, `!key`). */
export function labelMatcher(selector: string | null | undefined): Matcher {
  if (!selector) return () => true;
  const requirements = splitTopLevel(selector).map(parseRequirement);
  return (object) => requirements.every((r) => matches(r, object.metadata.labels?.[r.key]));
}

// The fields clients select on: metadata for helm hook logs, spec.nodeName and status.phase for
// kubelets and `kubectl get pods --field-selector`, involvedObject.* for `kubectl describe` events.
function fieldValue(object: KubeObject, path: string): string | undefined {
  let value: unknown = object;
  for (const part of path.split('.')) value = value && typeof value === 'object' ? (value as Record<string, unknown>)[part] : undefined;
  if (value === undefined || value === null) return path === 'spec.nodeName' ? '' : undefined;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

const SELECTABLE_FIELD = /^(metadata\.(name|namespace)|spec\.nodeName|status\.phase|involvedObject\.\w+|type|reason|source)$/;

/** Compiles a `fieldSelector` query (`=`, `==`, `!=` on the fields clients use). */
export function fieldMatcher(selector: string | null | undefined): Matcher {
  if (!selector) return () => true;
  const requirements = splitTopLevel(selector).map(parseRequirement);
  for (const r of requirements) {
    if (!['=', '!='].includes(r.op)) throw badRequest(`invalid field selector: ${selector}`);
    if (!SELECTABLE_FIELD.test(r.key)) throw badRequest(`field label not supported: ${r.key}`);
  }
  return (object) => requirements.every((r) => matches(r, fieldValue(object, r.key)));
}

/** A `metav1.LabelSelector` as objects carry it (`spec.selector` of a Deployment, a PodDisruptionBudget). */
export type LabelSelector = {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
};

/**
 * A LabelSelector as the selector string Kubernetes prints and puts in `Scale.status.selector`
 * (requirements sorted by key, set values sorted); '' for the empty selector, which matches everything.
 */
export function labelSelectorString(selector: LabelSelector | undefined): string {
  const requirements: [string, string][] = Object.entries(selector?.matchLabels ?? {}).map(([key, value]) => [key, `${key}=${value}`]);
  for (const expression of selector?.matchExpressions ?? []) {
    const values = [...(expression.values ?? [])].sort().join(',');
    const text =
      expression.operator === 'In'
        ? `${expression.key} in (${values})`
        : expression.operator === 'NotIn'
          ? `${expression.key} notin (${values})`
          : expression.operator === 'DoesNotExist'
            ? `!${expression.key}`
            : expression.key;
    requirements.push([expression.key, text]);
  }
  return requirements
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, text]) => text)
    .join(',');
}
