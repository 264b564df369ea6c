import { randomInt } from 'node:crypto';
import type { KubeRest } from '../rest.js';
import type { KubeObject } from '../store.js';

/** The Service cluster IP range (`--service-cluster-ip-range`), kubeadm's and kind's default. */
export const SERVICE_CIDR = '10.96.0.0/12';
/** The NodePort range (`--service-node-port-range`). */
export const NODE_PORT_RANGE = { first: 30_000, last: 32_767 } as const;
/** Where LoadBalancer addresses come from: the docker network kind's MetalLB guide uses. */
export const LOAD_BALANCER_PREFIX = '172.18.255.';

const [CIDR_ADDRESS = '', CIDR_BITS = ''] = SERVICE_CIDR.split('/');
const CIDR_BASE = ipv4ToNumber(CIDR_ADDRESS)!;
const CIDR_SIZE = 2 ** (32 - Number(CIDR_BITS));
// kube-apiserver keeps the low part of each range for static requests and allocates dynamically
// from above it first, so a chart's fixed clusterIP (10.96.0.10 for DNS) is rarely taken.
const IP_STATIC_BAND = 256;
const PORT_STATIC_BAND = 86;

/** A dotted IPv4 address as a number, or undefined when it is not one. */
export function ipv4ToNumber(ip: string): number | undefined {
  const parts = ip.split('.');
  if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 255)) return undefined;
  return parts.reduce((n, p) => n * 256 + Number(p), 0);
}

function numberToIpv4(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

/** True when `ip` is a usable address of the service range (not its network or broadcast address). */
export function inServiceRange(ip: string): boolean {
  const n = ipv4ToNumber(ip);
  return n !== undefined && n > CIDR_BASE && n < CIDR_BASE + CIDR_SIZE - 1;
}

type PortSpec = { nodePort?: unknown };
type SpecView = { clusterIPs?: unknown; clusterIP?: unknown; ports?: PortSpec[]; healthCheckNodePort?: unknown };

// Allocations are derived from the stored Services, so nothing leaks when a Service is deleted or
// the simulator restarts: the Services are the allocator's state, as the IPAddress objects are in Kubernetes.
function otherServices(rest: KubeRest, self: KubeObject): SpecView[] {
  return rest.store
    .list('', 'services')
    .filter((s) => !(s.metadata.namespace === self.metadata.namespace && s.metadata.name === self.metadata.name))
    .map((s) => (s.spec ?? {}) as SpecView);
}

/** The cluster IPs held by every Service other than `self`. */
export function clusterIPsInUse(rest: KubeRest, self: KubeObject): Set<string> {
  const used = new Set<string>();
  for (const spec of otherServices(rest, self)) {
    for (const ip of Array.isArray(spec.clusterIPs) ? spec.clusterIPs : [spec.clusterIP]) if (typeof ip === 'string') used.add(ip);
  }
  return used;
}

/** The node ports (and health-check node ports) held by every Service other than `self`. */
export function nodePortsInUse(rest: KubeRest, self: KubeObject): Set<number> {
  const used = new Set<number>();
  for (const spec of otherServices(rest, self)) {
    for (const port of spec.ports ?? []) if (typeof port.nodePort === 'number') used.add(port.nodePort);
    if (typeof spec.healthCheckNodePort === 'number') used.add(spec.healthCheckNodePort);
  }
  return used;
}

// Random above the static band first, then anywhere: how the bitmap allocators pick.
function pickFree(first: number, size: number, staticBand: number, taken: (n: number) => boolean): number | undefined {
  for (const [from, to] of [
    [first + staticBand, first + size],
    [first, first + staticBand],
  ] as const) {
    const start = randomInt(from, to);
    for (let i = 0; i < to - from; i++) {
      const candidate = from + ((start - from + i) % (to - from));
      if (!taken(candidate)) return candidate;
    }
  }
  return undefined;
}

/** A free cluster IP, or undefined when the range is full. */
export function nextClusterIP(used: ReadonlySet<string>): string | undefined {
  const n = pickFree(CIDR_BASE + 1, CIDR_SIZE - 2, IP_STATIC_BAND, (c) => used.has(numberToIpv4(c)));
  return n === undefined ? undefined : numberToIpv4(n);
}

/** A free node port, or undefined when the range is full. */
export function nextNodePort(used: ReadonlySet<number>): number | undefined {
  return pickFree(NODE_PORT_RANGE.first, NODE_PORT_RANGE.last - NODE_PORT_RANGE.first + 1, PORT_STATIC_BAND, (c) => used.has(c));
}
