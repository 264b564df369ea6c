/**
 * Kubernetes resource quantities (`250m`, `1.5`, `128Mi`, `2G`, `12345n`) and pod requests as the
 * scheduler counts them. Shared by the Helm API (monitoring) and the Kubernetes simulator.
 */
const SUFFIXES: Readonly<Record<string, number>> = {
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};
const QUANTITY = /^([+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)(n|u|m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$/;

/** A quantity as a number of base units (cores, bytes, pods); NaN when malformed or absent. */
export function parseQuantity(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value !== 'string') return Number.NaN;
  const match = QUANTITY.exec(value.trim());
  if (!match) return Number.NaN;
  return Number(match[1]) * (SUFFIXES[match[2] ?? ''] ?? Number.NaN);
}

/** A quantity, or 0 when it is malformed or absent (sums over objects that may lack one). */
export function quantityOrZero(value: unknown): number {
  const parsed = parseQuantity(value);
  return Number.isFinite(parsed) ? parsed : 0;
}

type Container = { resources?: { requests?: Record<string, unknown>; limits?: Record<string, unknown> } };

/** A container's request for a resource; a limit without a request counts as the request, as the API server defaults it. */
export function requestOf(container: Container, resource: string): number {
  return quantityOrZero(container.resources?.requests?.[resource] ?? container.resources?.limits?.[resource]);
}

/** A pod's effective request (the scheduler's view): the sum over containers, or the largest init container if that is more. */
export function podRequest(spec: { containers?: Container[]; initContainers?: Container[] } | undefined, resource: string): number {
  const sum = (spec?.containers ?? []).reduce((total, c) => total + requestOf(c, resource), 0);
  const init = Math.max(0, ...(spec?.initContainers ?? []).map((c) => requestOf(c, resource)));
  return Math.max(sum, init);
}
