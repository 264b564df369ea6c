const SUFFIXES: Record<string, number> = {
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

/** A Kubernetes quantity (`100m`, `128Mi`, `1.5`, `2e3`) as a number of base units (cores, bytes); NaN when malformed. */
export function parseQuantity(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value !== 'string') return Number.NaN;
  const match = /^([+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)(n|u|m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$/.exec(value.trim());
  if (!match) return Number.NaN;
  return Number(match[1]) * (SUFFIXES[match[2] ?? ''] ?? Number.NaN);
}

/** CPU as Kubernetes writes usage: whole millicores (`250m`), or nanocores below one millicore. */
export function formatCpu(cores: number): string {
  const milli = Math.round(cores * 1000);
  return milli > 0 ? `${milli}m` : `${Math.round(cores * 1e9)}n`;
}

/** Memory as Kubernetes writes usage: `Ki` (metrics-server's unit). */
export function formatMemory(bytes: number): string {
  return `${Math.round(bytes / 1024)}Ki`;
}

type Container = { resources?: { requests?: Record<string, unknown>; limits?: Record<string, unknown> } };

/** A container's request for a resource; a limit without a request counts as the request, as the API server defaults it. */
export function requestOf(container: Container, resource: string): number {
  const raw = container.resources?.requests?.[resource] ?? container.resources?.limits?.[resource];
  const parsed = parseQuantity(raw);
  return Number.isFinite(parsed) ? parsed : 0;
}

/** A pod's effective request (the scheduler's view): the sum over containers, or the largest init container if that is more. */
export function podRequest(spec: { containers?: Container[]; initContainers?: Container[] } | undefined, resource: string): number {
  const sum = (spec?.containers ?? []).reduce((total, c) => total + requestOf(c, resource), 0);
  const init = Math.max(0, ...(spec?.initContainers ?? []).map((c) => requestOf(c, resource)));
  return Math.max(sum, init);
}
