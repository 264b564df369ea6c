import { createHash, randomBytes } from 'node:crypto';
import type { KubeObject, StoreEvent } from '../store.js';
import type { ControllerHost, Target } from './host.js';
import { isReady, isTerminal, type Pod } from './pods.js';

/** Shared by the workload controllers: template hashing, pod creation from a template, owner lookups. */
export type Template = { metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> }; spec?: Record<string, unknown> };
export type LabelSelector = { matchLabels?: Record<string, string>; matchExpressions?: { key: string; operator: string; values?: string[] }[] };

// Kubernetes' rand.SafeEncodeString alphabet: no vowels, no look-alike digits.
const SAFE = 'bcdfghjklmnpqrstvwxz2456789';
const safeEncode = (bytes: Buffer, length: number): string => Array.from(bytes.subarray(0, length), (b) => SAFE[b % SAFE.length]).join('');

/** JSON with object keys sorted and null fields left out (Go decodes `creationTimestamp: null` to nothing): the same template hashes the same whichever client wrote it. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object')
    return `{${Object.keys(value)
      .sort()
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined && (value as Record<string, unknown>)[k] !== null)
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(value);
}

/** A stable hash of a pod template (the `pod-template-hash` / `controller-revision-hash` label). */
export const templateHash = (template: unknown): string => safeEncode(createHash('sha256').update(canonicalJson(template)).digest(), 10);

/** A generateName suffix, as the API server makes it (5 safe characters). */
export const randomSuffix = (): string => safeEncode(randomBytes(5), 5);

export function selectorMatches(selector: LabelSelector | undefined, labels: Record<string, string> | undefined): boolean {
  if (!selector) return false;
  const has = labels ?? {};
  if (!Object.entries(selector.matchLabels ?? {}).every(([k, v]) => has[k] === v)) return false;
  return (selector.matchExpressions ?? []).every(({ key, operator, values = [] }) => {
    if (operator === 'In') return values.includes(has[key] ?? '\0');
    if (operator === 'NotIn') return !values.includes(has[key] ?? '\0');
    if (operator === 'Exists') return key in has;
    return !(key in has);
  });
}

/** `k=v,k2=v2`: a selector as the `scale` subresource and `kubectl` print it. */
export const selectorString = (selector: LabelSelector | undefined): string =>
  Object.entries(selector?.matchLabels ?? {})
    .map(([k, v]) => `${k}=${v}`)
    .join(',');

export const ownerRef = (owner: KubeObject): NonNullable<KubeObject['metadata']['ownerReferences']>[number] => ({
  apiVersion: String(owner.apiVersion),
  kind: String(owner.kind),
  name: owner.metadata.name,
  uid: owner.metadata.uid ?? '',
  controller: true,
  blockOwnerDeletion: true,
});

/** The target of an object's controlling owner of the given kind, if any (a pod event → its ReplicaSet). */
export function ownerTarget(event: StoreEvent, kind: string, group: string, plural: string): Target[] {
  const owner = event.object.metadata.ownerReferences?.find((r) => r.controller && r.kind === kind);
  return owner?.name ? [{ group, plural, namespace: event.namespace, name: owner.name }] : [];
}

/** Creates a pod from a template, owned by `owner`. */
export function createPod(
  host: ControllerHost,
  owner: KubeObject,
  template: Template,
  name: string,
  extra: { labels?: Record<string, string>; spec?: Record<string, unknown> } = {},
): Pod {
  return host.rest.create(host.type('', 'pods'), owner.metadata.namespace, {
    metadata: {
      name,
      namespace: owner.metadata.namespace,
      labels: { ...template.metadata?.labels, ...extra.labels },
      ...(template.metadata?.annotations ? { annotations: template.metadata.annotations } : {}),
      ownerReferences: [ownerRef(owner)],
    },
    spec: { ...structuredClone(template.spec), ...extra.spec },
  }) as Pod;
}

/** Pods that still count (not finished, not being deleted). */
export const activePods = (pods: Pod[]): Pod[] => pods.filter((p) => !isTerminal(p) && !p.metadata.deletionTimestamp);

/** Available = ready for at least `minReadySeconds`. */
export function isAvailable(pod: Pod, minReadySeconds: number, clock = Date.now()): boolean {
  if (!isReady(pod)) return false;
  if (!minReadySeconds) return true;
  const since = Date.parse(pod.status?.conditions?.find((c) => c.type === 'Ready')?.lastTransitionTime ?? '');
  return Number.isFinite(since) && clock - since >= minReadySeconds * 1000;
}

/**
 * The order in which a controller deletes surplus pods (Kubernetes' ActivePods ordering):
 * unscheduled before scheduled, pending before running, not ready before ready, more restarts
 * first, newer before older.
 */
export function deletionOrder(a: Pod, b: Pod): number {
  const rank = (p: Pod): number[] => [
    p.spec.nodeName ? 1 : 0,
    p.status?.phase === 'Pending' ? 0 : p.status?.phase === 'Unknown' ? 1 : 2,
    isReady(p) ? 1 : 0,
    -Math.max(0, ...(p.status?.containerStatuses ?? []).map((c) => Number(c.restartCount ?? 0))),
    -Date.parse(p.metadata.creationTimestamp as string),
  ];
  const [ra, rb] = [rank(a), rank(b)];
  for (let i = 0; i < ra.length; i += 1) if (ra[i] !== rb[i]) return ra[i]! - rb[i]!;
  return b.metadata.name.localeCompare(a.metadata.name);
}

/** Writes `status` through the status subresource only when it changed (controllers must not loop on their own writes). */
export function writeStatus(host: ControllerHost, group: string, plural: string, live: KubeObject, status: Record<string, unknown>): void {
  if (JSON.stringify(status) === JSON.stringify(live.status)) return;
  host.rest.replace(host.type(group, plural), live, { ...live, status }, { subresource: 'status' });
}
