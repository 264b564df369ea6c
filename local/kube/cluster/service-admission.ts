import { KubeApiError } from '../errors.js';
import type { Admitter, KubeRest } from '../rest.js';
import type { KubeObject } from '../store.js';
import { forbidden, invalidObject, invalidValue, notSupported, required, type FieldError } from './field-errors.js';
import { clusterIPsInUse, inServiceRange, ipv4ToNumber, nextClusterIP, nextNodePort, NODE_PORT_RANGE, nodePortsInUse } from './service-allocators.js';
import {
  isHeadless,
  needsClusterIP,
  needsHealthCheckNodePort,
  needsNodePort,
  selectorOf,
  SERVICE_TYPES,
  serviceSpecOf,
  type ServiceSpec,
} from './service-spec.js';

const PROTOCOLS = ['SCTP', 'TCP', 'UDP'];
const sameList = (a: readonly unknown[] | null | undefined, b: readonly unknown[] | null | undefined): boolean =>
  JSON.stringify(a ?? []) === JSON.stringify(b ?? []);
const nodePortsOf = (spec: ServiceSpec): number[] => (spec.ports ?? []).flatMap((p) => (p.nodePort ? [p.nodePort] : []));

// The v1 defaults (pkg/apis/core/v1/defaults.go), applied to what the client sent.
function setDefaults(spec: ServiceSpec): void {
  spec.type ??= SERVICE_TYPES.clusterIP;
  spec.sessionAffinity ??= 'None';
  if (spec.sessionAffinity === 'ClientIP') spec.sessionAffinityConfig ??= { clientIP: { timeoutSeconds: 10_800 } };
  for (const port of spec.ports ?? []) {
    port.protocol ??= 'TCP';
    if (port.targetPort === undefined || port.targetPort === 0 || port.targetPort === '') port.targetPort = port.port;
  }
  if (needsNodePort(spec)) spec.externalTrafficPolicy ??= 'Cluster';
  if (spec.type !== SERVICE_TYPES.externalName) spec.internalTrafficPolicy ??= 'Cluster';
  if (spec.type === SERVICE_TYPES.loadBalancer) spec.allocateLoadBalancerNodePorts ??= true;
}

// A PUT or apply without the values the server allocated keeps them (helm and kubectl rely on it).
function patchAllocatedValues(spec: ServiceSpec, old: ServiceSpec): void {
  if (needsClusterIP(old) && needsClusterIP(spec)) {
    if (!spec.clusterIP && old.clusterIP) spec.clusterIP = old.clusterIP;
    if (!spec.clusterIPs?.length && old.clusterIPs?.length) spec.clusterIPs = old.clusterIPs;
  }
  if (needsNodePort(old) && needsNodePort(spec)) {
    const kept = new Set(nodePortsOf(spec));
    const byName = new Map((old.ports ?? []).map((p) => [p.name ?? '', p.nodePort]));
    for (const port of spec.ports ?? []) {
      const previous = byName.get(port.name ?? '');
      if (!port.nodePort && previous && !kept.has(previous)) port.nodePort = previous;
    }
  }
  if (needsHealthCheckNodePort(old) && needsHealthCheckNodePort(spec)) spec.healthCheckNodePort ??= old.healthCheckNodePort;
}

// Changing the clusterIP alone (clusterIPs still the stored ones) means changing the primary IP.
function normalizeClusterIPs(spec: ServiceSpec, old: ServiceSpec | undefined): void {
  if (!old) {
    if (spec.clusterIP && !spec.clusterIPs?.length) spec.clusterIPs = [spec.clusterIP];
    else if (!spec.clusterIP && spec.clusterIPs?.length) spec.clusterIP = spec.clusterIPs[0];
    return;
  }
  if (old.clusterIP !== spec.clusterIP && sameList(old.clusterIPs, spec.clusterIPs)) spec.clusterIPs = spec.clusterIP ? [spec.clusterIP] : undefined;
}

// Leaving a type drops the fields only that type has, unless the client changed them in the same write.
function dropTypeDependentFields(spec: ServiceSpec, old: ServiceSpec): void {
  if (needsClusterIP(old) && !needsClusterIP(spec) && spec.clusterIP === old.clusterIP && sameList(spec.clusterIPs, old.clusterIPs)) {
    for (const key of ['clusterIP', 'clusterIPs', 'ipFamilies', 'ipFamilyPolicy'] as const) delete spec[key];
  }
  if (needsClusterIP(old) && !needsClusterIP(spec) && spec.internalTrafficPolicy === old.internalTrafficPolicy) delete spec.internalTrafficPolicy;
  if (needsNodePort(old) && !needsNodePort(spec) && nodePortsOf(spec).every((p) => nodePortsOf(old).includes(p)))
    for (const port of spec.ports ?? []) delete port.nodePort;
  if (needsHealthCheckNodePort(old) && !needsHealthCheckNodePort(spec) && spec.healthCheckNodePort === old.healthCheckNodePort) delete spec.healthCheckNodePort;
  if (old.type === SERVICE_TYPES.loadBalancer && spec.type !== SERVICE_TYPES.loadBalancer) {
    if (spec.allocateLoadBalancerNodePorts === old.allocateLoadBalancerNodePorts) delete spec.allocateLoadBalancerNodePorts;
    if (spec.loadBalancerClass === old.loadBalancerClass) delete spec.loadBalancerClass;
  }
  if (needsNodePort(old) && !needsNodePort(spec) && spec.externalTrafficPolicy === old.externalTrafficPolicy) delete spec.externalTrafficPolicy;
}

function validate(spec: ServiceSpec, old: ServiceSpec | undefined): FieldError[] {
  const errors: FieldError[] = [];
  const type = spec.type ?? '';
  if (!Object.values<string>(SERVICE_TYPES).includes(type)) errors.push(notSupported('spec.type', type, Object.values(SERVICE_TYPES).sort()));
  const ports = spec.ports ?? [];
  if (ports.length === 0 && !isHeadless(spec) && type !== SERVICE_TYPES.externalName) errors.push(required('spec.ports'));
  ports.forEach((port, i) => {
    const path = `spec.ports[${i}]`;
    if (ports.length > 1 && !port.name) errors.push(required(`${path}.name`));
    if (!port.port || port.port < 1 || port.port > 65_535) errors.push(invalidValue(`${path}.port`, port.port ?? 0, 'must be between 1 and 65535, inclusive'));
    if (!PROTOCOLS.includes(port.protocol ?? '')) errors.push(notSupported(`${path}.protocol`, port.protocol, PROTOCOLS));
    if (type === SERVICE_TYPES.clusterIP && port.nodePort) errors.push(forbidden(`${path}.nodePort`, "may not be used when `type` is 'ClusterIP'"));
  });
  const externalIPs = Array.isArray(spec.externalIPs) && spec.externalIPs.length > 0;
  if (spec.externalTrafficPolicy && !needsNodePort(spec) && !(type === SERVICE_TYPES.clusterIP && externalIPs))
    errors.push(invalidValue('spec.externalTrafficPolicy', spec.externalTrafficPolicy, 'may only be set for externally-accessible services'));
  if (spec.allocateLoadBalancerNodePorts != null && type !== SERVICE_TYPES.loadBalancer)
    errors.push(forbidden('spec.allocateLoadBalancerNodePorts', "may only be used when `type` is 'LoadBalancer'"));
  (spec.clusterIPs ?? []).forEach((ip, i) => {
    if (ip !== 'None' && ip !== '' && ipv4ToNumber(ip) === undefined && !ip.includes(':'))
      errors.push(invalidValue(`spec.clusterIPs[${i}]`, ip, 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)'));
  });
  if (old && needsHealthCheckNodePort(old) && needsHealthCheckNodePort(spec) && spec.healthCheckNodePort !== old.healthCheckNodePort)
    errors.push(forbidden('spec.healthCheckNodePort', 'field is immutable'));
  if (old && needsClusterIP(old) && needsClusterIP(spec) && !(isHeadless(old) && isHeadless(spec))) {
    const before = old.clusterIPs ?? [];
    const after = spec.clusterIPs ?? [];
    if (before.length > 0 && after.length === 0) errors.push(invalidValue('spec.clusterIPs[0]', after, 'primary clusterIP can not be unset'));
    before.forEach((ip, i) => {
      if (i < after.length && after[i] !== ip) errors.push(invalidValue(`spec.clusterIPs[${i}]`, after, 'may not change once set'));
    });
  }
  return errors;
}

// The cluster is single-stack IPv4, as kind's default is; the policy follows initIPFamilyFields.
function initIPFamilies(spec: ServiceSpec, old: ServiceSpec | undefined): FieldError[] {
  if (spec.type === SERVICE_TYPES.externalName) return [];
  const headlessSelectorless = isHeadless(spec) && !selectorOf(spec);
  spec.ipFamilyPolicy ??= old?.ipFamilyPolicy ?? (headlessSelectorless ? 'RequireDualStack' : 'SingleStack');
  if (headlessSelectorless) {
    spec.ipFamilies = spec.ipFamilies?.length ? spec.ipFamilies : ['IPv4'];
    if (spec.ipFamilyPolicy !== 'SingleStack' && spec.ipFamilies.length < 2) spec.ipFamilies.push(spec.ipFamilies[0] === 'IPv4' ? 'IPv6' : 'IPv4');
    return [];
  }
  const errors: FieldError[] = [];
  (spec.clusterIPs ?? []).forEach((ip, i) => {
    if (ip.includes(':')) errors.push(invalidValue(`spec.clusterIPs[${i}]`, spec.clusterIPs, 'IPv6 is not configured on this cluster'));
  });
  if (spec.ipFamilyPolicy === 'RequireDualStack')
    errors.push(invalidValue('spec.ipFamilyPolicy', spec.ipFamilyPolicy, 'this cluster is not configured for dual-stack services'));
  (spec.ipFamilies ?? []).forEach((family, i) => {
    if (family !== 'IPv4') errors.push(invalidValue(`spec.ipFamilies[${i}]`, family, 'not configured on this cluster'));
  });
  spec.ipFamilies = spec.ipFamilies?.length ? spec.ipFamilies : ['IPv4'];
  return errors;
}

function allocateClusterIP(spec: ServiceSpec, old: ServiceSpec | undefined, rest: KubeRest, service: KubeObject): FieldError[] {
  if (!needsClusterIP(spec) || isHeadless(spec)) {
    if (isHeadless(spec)) Object.assign(spec, { clusterIP: 'None', clusterIPs: ['None'] });
    return [];
  }
  if (old && needsClusterIP(old) && old.clusterIPs?.length) return [];
  const requested = spec.clusterIPs?.[0] ?? spec.clusterIP ?? '';
  const used = clusterIPsInUse(rest, service);
  if (!requested) {
    const ip = nextClusterIP(used);
    if (!ip) throw new KubeApiError(500, 'InternalError', 'Internal error occurred: failed to allocate a serviceIP: range is full');
    Object.assign(spec, { clusterIP: ip, clusterIPs: [ip] });
    return [];
  }
  const problem = !inServiceRange(requested)
    ? `provided IP ${requested} is not in the valid range`
    : used.has(requested)
      ? 'provided IP is already allocated'
      : undefined;
  if (problem) return [invalidValue('spec.clusterIPs', spec.clusterIPs ?? [requested], `failed to allocate IP ${requested}: ${problem}`)];
  Object.assign(spec, { clusterIP: requested, clusterIPs: [requested] });
  return [];
}

function allocateNodePorts(spec: ServiceSpec, old: ServiceSpec | undefined, rest: KubeRest, service: KubeObject): FieldError[] {
  if (!needsNodePort(spec)) return [];
  const taken = nodePortsInUse(rest, service);
  const ownBefore = new Set(old ? [...nodePortsOf(old), ...(old.healthCheckNodePort ? [old.healthCheckNodePort] : [])] : []);
  const claimed = new Map<number, number | null | undefined>(); // node port → the service port that holds it
  const errors: FieldError[] = [];
  const claim = (field: string, nodePort: number, port: number | null | undefined): void => {
    const range = `${NODE_PORT_RANGE.first}-${NODE_PORT_RANGE.last}`;
    if (nodePort < NODE_PORT_RANGE.first || nodePort > NODE_PORT_RANGE.last)
      errors.push(invalidValue(field, nodePort, `provided port is not in the valid range. The range of valid ports is ${range}`));
    else if ((claimed.has(nodePort) && claimed.get(nodePort) !== port) || (!ownBefore.has(nodePort) && taken.has(nodePort) && !claimed.has(nodePort)))
      errors.push(invalidValue(field, nodePort, 'provided port is already allocated'));
    claimed.set(nodePort, port);
  };
  const next = (): number => {
    const nodePort = nextNodePort(new Set([...taken, ...claimed.keys(), ...ownBefore]));
    if (nodePort === undefined) throw new KubeApiError(500, 'InternalError', 'Internal error occurred: failed to allocate a nodePort: range is full');
    return nodePort;
  };
  const allocate = spec.type === SERVICE_TYPES.nodePort || spec.allocateLoadBalancerNodePorts !== false;
  (spec.ports ?? []).forEach((port, i) => {
    if (port.nodePort) claim(`spec.ports[${i}].nodePort`, port.nodePort, port.port);
    else if (allocate) {
      // Two protocols on one port number (DNS on 53 TCP and UDP) share one node port.
      const shared = [...claimed].find(([, p]) => p === port.port)?.[0];
      port.nodePort = shared ?? next();
      claimed.set(port.nodePort, port.port);
    }
  });
  if (needsHealthCheckNodePort(spec)) {
    if (spec.healthCheckNodePort) claim('spec.healthCheckNodePort', spec.healthCheckNodePort, undefined);
    else spec.healthCheckNodePort = next();
  }
  return errors;
}

/**
 * The Service REST strategy and allocators of kube-apiserver (pkg/registry/core/service): v1
 * defaults, cluster IPs from 10.96.0.0/12, node ports from 30000-32767, immutability of the
 * cluster IP, and a PUT or apply that leaves allocated values out keeping them. A fresh Service's
 * status is `{loadBalancer: {}}` whatever the client sent.
 */
export const admitService: Admitter = (type, object, live, rest) => {
  if (type.group !== '' || type.kind !== 'Service') return;
  const spec = serviceSpecOf(object, true);
  const old = live ? serviceSpecOf(live) : undefined;
  setDefaults(spec);
  if (old) patchAllocatedValues(spec, old);
  normalizeClusterIPs(spec, old);
  if (old) dropTypeDependentFields(spec, old);
  const name = object.metadata.name;
  const fail = (errors: FieldError[]): void => {
    if (errors.length) throw invalidObject('Service', name, errors);
  };
  fail(validate(spec, old));
  fail(initIPFamilies(spec, old));
  fail(allocateClusterIP(spec, old, rest, object));
  fail(allocateNodePorts(spec, old, rest, object));
  object.spec = spec;
  if (!live) object.status = { loadBalancer: {} };
};
