/**
 * `POST pods/{name}/eviction` (policy/v1 Eviction): a pod deletion that a PodDisruptionBudget may
 * refuse. The budget's `status.disruptionsAllowed` is read as stored (the disruption controller
 * writes it); an allowed eviction spends one disruption, as kube-apiserver does, so two quick
 * evictions against a budget of one get 201 then 429.
 */
import * as z from 'zod';
import type { DeleteOptions } from './deletion.js';
import { badRequest, KubeApiError } from './errors.js';
import type { KubeRest } from './rest.js';
import { labelMatcher, labelSelectorString, type LabelSelector } from './selectors.js';
import type { KubeObject } from './store.js';

const EvictionSchema = z.looseObject({
  metadata: z.looseObject({ name: z.string().optional() }).optional(),
  deleteOptions: z.unknown().optional(),
});

type BudgetStatus = {
  disruptionsAllowed?: number;
  desiredHealthy?: number;
  currentHealthy?: number;
  observedGeneration?: number;
  disruptedPods?: Record<string, string>;
};

const now = (): string => new Date().toISOString().replace(/\.\d+Z$/, 'Z');

/** A pod that is not running or is already going away can always be evicted (kube-apiserver's canIgnorePDB). */
function ignoresBudgets(pod: KubeObject): boolean {
  const phase = (pod.status as { phase?: string } | undefined)?.phase;
  return phase === 'Succeeded' || phase === 'Failed' || phase === 'Pending' || pod.metadata.deletionTimestamp !== undefined;
}

function budgetsOf(rest: KubeRest, pod: KubeObject): KubeObject[] {
  return rest.store.list('policy', 'poddisruptionbudgets', pod.metadata.namespace).filter((budget) => {
    const selector = (budget.spec as { selector?: LabelSelector } | undefined)?.selector;
    // A budget with an empty (or no) selector selects nothing in policy/v1's eviction check.
    const text = labelSelectorString(selector);
    return text !== '' && labelMatcher(text)(pod);
  });
}

/** Refuses with 429 unless the budget allows a disruption; otherwise records the one this eviction spends. */
function spendDisruption(rest: KubeRest, budget: KubeObject, pod: KubeObject, dryRun: boolean): void {
  const status = (budget.status ?? {}) as BudgetStatus;
  const name = budget.metadata.name;
  const stale = (status.observedGeneration ?? 0) < (budget.metadata.generation ?? 1);
  if (stale || (status.disruptionsAllowed ?? 0) <= 0) {
    const message = stale
      ? `The disruption budget ${name} is still being processed by the server.`
      : `The disruption budget ${name} needs ${status.desiredHealthy ?? 0} healthy pods and has ${status.currentHealthy ?? 0} currently`;
    throw new KubeApiError(429, 'TooManyRequests', "Cannot evict pod as it would violate the pod's disruption budget.", {
      causes: [{ reason: 'DisruptionBudget', message }],
      retryAfterSeconds: 10,
    });
  }
  const type = rest.registry.find('policy', 'v1', 'poddisruptionbudgets')!;
  const next = { ...status, disruptionsAllowed: (status.disruptionsAllowed ?? 0) - 1, disruptedPods: { ...status.disruptedPods, [pod.metadata.name]: now() } };
  rest.replace(type, budget, { ...budget, status: next }, { subresource: 'status', dryRun });
}

/** Evicts a pod: checks its disruption budget, then deletes it with the Eviction's deleteOptions. Answers the 201 Status. */
export function evictPod(
  rest: KubeRest,
  namespace: string,
  name: string,
  body: unknown,
  toDeleteOptions: (raw: unknown) => DeleteOptions,
): Record<string, unknown> {
  const parsed = EvictionSchema.safeParse(body ?? {});
  if (!parsed.success) throw badRequest(`invalid Eviction: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  if (parsed.data.metadata?.name !== undefined && parsed.data.metadata.name !== name) throw badRequest('name in URL does not match name in Eviction object');
  const options = toDeleteOptions(parsed.data.deleteOptions);
  const pods = rest.registry.find('', 'v1', 'pods')!;
  const pod = rest.get(pods, namespace, name);
  if (!ignoresBudgets(pod)) {
    const budgets = budgetsOf(rest, pod);
    if (budgets.length > 1)
      throw new KubeApiError(500, 'InternalError', 'This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.');
    if (budgets[0]) spendDisruption(rest, budgets[0], pod, options.dryRun === true);
  }
  rest.deleter.delete(pods, namespace, name, options);
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 };
}
