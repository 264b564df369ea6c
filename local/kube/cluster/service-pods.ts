import * as z from 'zod';
import type { KubeObject, StoreEvent } from '../store.js';
import type { ControllerHost, Target } from './host.js';
import { isHeadless, selectorOf, serviceSpecOf, type ServicePort, type ServiceSpec } from './service-spec.js';

const PodSchema = z.looseObject({
  metadata: z.looseObject({
    name: z.string(),
    namespace: z.string().optional(),
    uid: z.string().optional(),
    labels: z.record(z.string(), z.string()).nullish(),
    deletionTimestamp: z.string().nullish(),
  }),
  spec: z
    .looseObject({
      nodeName: z.string().nullish(),
      hostname: z.string().nullish(),
      subdomain: z.string().nullish(),
      containers: z
        .array(
          z.looseObject({ ports: z.array(z.looseObject({ name: z.string().nullish(), containerPort: z.number(), protocol: z.string().nullish() })).nullish() }),
        )
        .nullish(),
    })
    .nullish(),
  status: z
    .looseObject({
      phase: z.string().nullish(),
      podIP: z.string().nullish(),
      conditions: z.array(z.looseObject({ type: z.string(), status: z.string() })).nullish(),
    })
    .nullish(),
});
type Pod = z.infer<typeof PodSchema>;

/** One pod as an endpoint of a Service: where it is, whether it takes traffic, which ports it serves. */
export type PodEndpoint = {
  ip: string;
  nodeName?: string;
  hostname?: string;
  targetRef: { kind: 'Pod'; namespace: string; name: string; uid?: string };
  /** The pod's Ready condition is True. */
  podReady: boolean;
  /** The pod has a deletionTimestamp. */
  terminating: boolean;
  ports: { name?: string; port: number; protocol: string; appProtocol?: string }[];
};

export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';
export const HEADLESS_LABEL = 'service.kubernetes.io/headless';

const matches = (selector: Record<string, string>, labels: Record<string, string> | null | undefined): boolean =>
  Object.entries(selector).every(([k, v]) => labels?.[k] === v);

// A number is used as is; a name is looked up in the pod's container ports (and the pod is no
// endpoint for that port if no container declares it), as podutil.FindPort does.
function resolvePort(port: ServicePort, pod: Pod): number | undefined {
  if (typeof port.targetPort === 'number') return port.targetPort;
  const protocol = port.protocol ?? 'TCP';
  for (const container of pod.spec?.containers ?? [])
    for (const p of container.ports ?? []) if (p.name === port.targetPort && (p.protocol ?? 'TCP') === protocol) return p.containerPort;
  return undefined;
}

/**
 * The pods a Service with a selector sends traffic to, as both endpoint controllers see them:
 * pods of its namespace with a pod IP that match the selector and have not finished (Succeeded or
 * Failed). Each controller decides from `podReady`, `terminating` and `publishNotReadyAddresses` how to list it.
 */
export function podEndpoints(host: ControllerHost, service: KubeObject, spec: ServiceSpec): PodEndpoint[] {
  const selector = selectorOf(spec);
  if (!selector) return [];
  const namespace = service.metadata.namespace ?? '';
  const endpoints: PodEndpoint[] = [];
  for (const raw of host.list('', 'pods', namespace)) {
    const parsed = PodSchema.safeParse(raw);
    if (!parsed.success) continue;
    const pod = parsed.data;
    const ip = pod.status?.podIP;
    const phase = pod.status?.phase;
    if (!matches(selector, pod.metadata.labels) || !ip || phase === 'Succeeded' || phase === 'Failed') continue;
    const podReady = pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') === true;
    const ports = (spec.ports ?? []).flatMap((p) => {
      const port = resolvePort(p, pod);
      if (port === undefined) return [];
      const appProtocol = typeof p.appProtocol === 'string' ? p.appProtocol : undefined;
      return [{ ...(p.name ? { name: p.name } : {}), port, protocol: p.protocol ?? 'TCP', ...(appProtocol ? { appProtocol } : {}) }];
    });
    const hostname = isHeadless(spec) && pod.spec?.hostname && pod.spec.subdomain === service.metadata.name ? pod.spec.hostname : undefined;
    endpoints.push({
      ip,
      ...(pod.spec?.nodeName ? { nodeName: pod.spec.nodeName } : {}),
      ...(hostname ? { hostname } : {}),
      targetRef: { kind: 'Pod', namespace, name: pod.metadata.name, ...(pod.metadata.uid ? { uid: pod.metadata.uid } : {}) },
      podReady,
      terminating: Boolean(pod.metadata.deletionTimestamp),
      ports,
    });
  }
  return endpoints.sort((a, b) => (a.ip < b.ip ? -1 : a.ip > b.ip ? 1 : a.targetRef.name.localeCompare(b.targetRef.name)));
}

/** The labels both controllers give what they write: the Service's own, plus the headless marker. */
export function inheritedLabels(service: KubeObject, spec: ServiceSpec): Record<string, string> {
  return { ...service.metadata.labels, ...(isHeadless(spec) ? { [HEADLESS_LABEL]: '' } : {}) };
}

/**
 * What to reconcile when a store event comes: a Service itself; for a pod, the Services of its
 * namespace that select it now, plus those `stillListed` says still list it (a pod whose labels
 * changed must leave the endpoints it no longer matches).
 */
export function serviceTargets(event: StoreEvent, host: ControllerHost, stillListed: (service: KubeObject, pod: string) => boolean): Target[] {
  if (event.group !== '' || (event.plural !== 'services' && event.plural !== 'pods')) return [];
  if (event.plural === 'services') return [event];
  const labels = event.type === 'DELETED' ? undefined : event.object.metadata.labels;
  return host
    .list('', 'services', event.namespace)
    .filter((service) => {
      const spec = serviceSpecOf(service);
      const selector = spec && selectorOf(spec);
      return selector && ((labels && matches(selector, labels)) || stillListed(service, event.name));
    })
    .map((s) => ({ group: '', plural: 'services', namespace: event.namespace, name: s.metadata.name }));
}

/** Every Service, for a controller's (re)start. */
export const allServices = (host: ControllerHost): Target[] =>
  host.list('', 'services').map((s) => ({ group: '', plural: 'services', namespace: s.metadata.namespace ?? '', name: s.metadata.name }));
