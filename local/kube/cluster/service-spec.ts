import * as z from 'zod';
import { badRequest } from '../errors.js';
import type { KubeObject } from '../store.js';

const ServicePortSchema = z.looseObject({
  name: z.string().nullish(),
  protocol: z.string().nullish(),
  port: z.number().int().nullish(),
  targetPort: z.union([z.number().int(), z.string()]).nullish(),
  nodePort: z.number().int().nullish(),
});

/** The parts of a Service's spec the cluster reads and writes; everything else is kept as sent. */
export const ServiceSpecSchema = z.looseObject({
  type: z.string().nullish(),
  clusterIP: z.string().nullish(),
  clusterIPs: z.array(z.string()).nullish(),
  ipFamilies: z.array(z.string()).nullish(),
  ipFamilyPolicy: z.string().nullish(),
  selector: z.record(z.string(), z.string()).nullish(),
  ports: z.array(ServicePortSchema).nullish(),
  sessionAffinity: z.string().nullish(),
  sessionAffinityConfig: z.unknown().optional(),
  externalTrafficPolicy: z.string().nullish(),
  internalTrafficPolicy: z.string().nullish(),
  healthCheckNodePort: z.number().int().nullish(),
  allocateLoadBalancerNodePorts: z.boolean().nullish(),
  loadBalancerClass: z.string().nullish(),
  publishNotReadyAddresses: z.boolean().nullish(),
});
export type ServiceSpec = z.infer<typeof ServiceSpecSchema>;
export type ServicePort = z.infer<typeof ServicePortSchema>;

export const SERVICE_TYPES = { clusterIP: 'ClusterIP', nodePort: 'NodePort', loadBalancer: 'LoadBalancer', externalName: 'ExternalName' } as const;

// Go decodes a JSON null as the zero value, which is then omitted: `nodePort: null` from a chart
// template with an empty value means "allocate one".
function withoutNulls<T extends Record<string, unknown>>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null)) as T;
}

/**
 * A Service's spec, checked for the types the API server's decoder insists on (400 BadRequest
 * otherwise, as for `port: "80"`), with JSON nulls dropped. Undefined when `strict` is off and it does not parse.
 */
export function serviceSpecOf(service: KubeObject, strict: true): ServiceSpec;
export function serviceSpecOf(service: KubeObject, strict?: false): ServiceSpec | undefined;
export function serviceSpecOf(service: KubeObject, strict = false): ServiceSpec | undefined {
  const parsed = ServiceSpecSchema.safeParse(service.spec ?? {});
  if (!parsed.success) {
    if (!strict) return undefined;
    const issue = parsed.error.issues[0];
    throw badRequest(`Service in version "v1" cannot be handled as a Service: spec.${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`);
  }
  const spec = withoutNulls(parsed.data);
  if (spec.ports) spec.ports = spec.ports.map(withoutNulls);
  return spec;
}

/** Every type but ExternalName gets cluster IPs. */
export const needsClusterIP = (spec: ServiceSpec): boolean => spec.type !== SERVICE_TYPES.externalName;

/** NodePort and LoadBalancer Services get node ports. */
export const needsNodePort = (spec: ServiceSpec): boolean => spec.type === SERVICE_TYPES.nodePort || spec.type === SERVICE_TYPES.loadBalancer;

/** A LoadBalancer that keeps client source IPs (`externalTrafficPolicy: Local`) gets a health-check node port. */
export const needsHealthCheckNodePort = (spec: ServiceSpec): boolean => spec.type === SERVICE_TYPES.loadBalancer && spec.externalTrafficPolicy === 'Local';

/** `clusterIP: None`: no virtual IP, DNS answers with the pod IPs. */
export const isHeadless = (spec: ServiceSpec): boolean => spec.clusterIP === 'None' || spec.clusterIPs?.[0] === 'None';

/** The selector of a Service the endpoint controllers manage; undefined for a selectorless one (its endpoints are the user's). */
export function selectorOf(spec: ServiceSpec): Record<string, string> | undefined {
  return spec.selector && Object.keys(spec.selector).length > 0 ? spec.selector : undefined;
}
