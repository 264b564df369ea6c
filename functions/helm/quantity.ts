/**
 * Kubernetes resource quantities (`250m`, `1.5`, `128Mi`, `2G`, `12345n`), as the monitoring routes
 * read them from pods, nodes and metrics.k8s.io and write them back in helm-proxy.md's form: CPU in
 * millicores (`"100m"`), memory in mebibytes (`"128Mi"`).
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
const MI = 2 ** 20;

/** A quantity in base units (cores, bytes, pods); 0 for anything absent or malformed. */
export function parseQuantity(value: unknown): number {
  if (typeof value === 'number') return Number.isFinite(value) ? value : 0;
  if (typeof value !== 'string') return 0;
  const match = QUANTITY.exec(value.trim());
  return match ? Number(match[1]) * (SUFFIXES[match[2] ?? ''] ?? 0) : 0;
}

/** Cores as millicores text: `0.1` → `"100m"`. */
export function formatCpu(cores: number): string {
  return `${Math.round(cores * 1000)}m`;
}

/** Bytes as mebibytes text (`"128Mi"`); below one mebibyte in kibibytes (`"512Ki"`). */
export function formatMemory(bytes: number): string {
  return bytes >= MI || bytes === 0 ? `${Math.round(bytes / MI)}Mi` : `${Math.round(bytes / 1024)}Ki`;
}

type Resources = { requests?: Record<string, unknown>; limits?: Record<string, unknown> } | undefined;
type Container = { resources?: Resources };
type PodSpec = { containers?: Container[]; initContainers?: Container[] } | undefined;

/** A container's request; a limit without a request counts as the request, as the API server defaults it. */
function requestOf(container: Container, resource: string): number {
  return parseQuantity(container.resources?.requests?.[resource] ?? container.resources?.limits?.[resource]);
}

/** A pod's effective request, as the scheduler counts it: its containers' sum, or its largest init container if more. */
export function podRequest(spec: PodSpec, resource: string): number {
  const sum = (spec?.containers ?? []).reduce((total, c) => total + requestOf(c, resource), 0);
  return Math.max(sum, ...(spec?.initContainers ?? []).map((c) => requestOf(c, resource)));
}
