import type { KubeObject } from '../store.js';
import type { Controller, ControllerHost } from './host.js';
import { allServices, inheritedLabels, podEndpoints, SERVICE_NAME_LABEL, serviceTargets, type PodEndpoint } from './service-pods.js';
import { selectorOf, serviceSpecOf } from './service-spec.js';

const MANAGED_BY_LABEL = 'endpointslice.kubernetes.io/managed-by';
const MANAGED_BY = 'endpointslice-controller.k8s.io';
const ZONE_LABEL = 'topology.kubernetes.io/zone';

type SliceEndpoint = {
  addresses: string[];
  conditions: { ready: boolean; serving: boolean; terminating: boolean };
  hostname?: string;
  nodeName?: string;
  targetRef: PodEndpoint['targetRef'];
  zone?: string;
};
type SlicePort = { name: string; port: number; protocol: string; appProtocol?: string };
type Slice = { ports?: SlicePort[]; endpoints: SliceEndpoint[] | null };

// One slice per set of ports; a Service without endpoints gets one placeholder slice (no ports, `endpoints: null`).
function desiredSlices(host: ControllerHost, endpoints: PodEndpoint[], publishNotReady: boolean): Map<string, Slice> {
  const slices = new Map<string, Slice>();
  for (const endpoint of endpoints) {
    const ports = endpoint.ports.map(({ name, ...rest }) => ({ name: name ?? '', ...rest }));
    const key = JSON.stringify(ports.length ? ports : null); // as keyOf reads a stored slice
    const slice = slices.get(key) ?? { ports, endpoints: [] };
    slices.set(key, slice);
    const zone = endpoint.nodeName ? host.get('', 'nodes', '', endpoint.nodeName)?.metadata.labels?.[ZONE_LABEL] : undefined;
    slice.endpoints!.push({
      addresses: [endpoint.ip],
      conditions: {
        ready: publishNotReady || (endpoint.podReady && !endpoint.terminating),
        serving: endpoint.podReady,
        terminating: endpoint.terminating,
      },
      ...(endpoint.hostname ? { hostname: endpoint.hostname } : {}),
      ...(endpoint.nodeName ? { nodeName: endpoint.nodeName } : {}),
      targetRef: endpoint.targetRef,
      ...(zone ? { zone } : {}),
    });
  }
  if (slices.size === 0) slices.set('null', { endpoints: null });
  return slices;
}

const keyOf = (slice: KubeObject): string => JSON.stringify(slice.ports ?? null);

/** The slices this controller wrote for a Service (by its name label and owner reference). */
function slicesOf(host: ControllerHost, service: KubeObject): KubeObject[] {
  return host
    .list('discovery.k8s.io', 'endpointslices', service.metadata.namespace)
    .filter(
      (s) =>
        s.metadata.labels?.[SERVICE_NAME_LABEL] === service.metadata.name &&
        s.metadata.labels?.[MANAGED_BY_LABEL] === MANAGED_BY &&
        s.metadata.ownerReferences?.some((r) => r.uid === service.metadata.uid),
    );
}

/**
 * The EndpointSlice controller: a Service with a selector gets `discovery.k8s.io/v1` slices named
 * `<service>-<5 chars>`, labelled with `kubernetes.io/service-name` and the controller's
 * `managed-by`, owned by the Service (so garbage collection removes them with it), listing each
 * pod with `ready`, `serving` and `terminating` conditions. Unlike Endpoints, terminating pods stay
 * listed (not ready) until they are gone.
 */
export function endpointSlicesController(): Controller {
  return {
    name: 'endpointslices',
    targetsOf: (event, host) =>
      serviceTargets(event, host, (service, pod) =>
        slicesOf(host, service).some((s) => ((s.endpoints ?? []) as SliceEndpoint[]).some((e) => e.targetRef?.name === pod)),
      ),
    initialTargets: allServices,
    reconcile(target, host) {
      const service = host.get('', 'services', target.namespace, target.name);
      const spec = service && serviceSpecOf(service);
      if (!service || !spec || !selectorOf(spec) || service.metadata.deletionTimestamp) return;
      const type = host.type('discovery.k8s.io', 'endpointslices');
      const labels = { ...inheritedLabels(service, spec), [SERVICE_NAME_LABEL]: service.metadata.name, [MANAGED_BY_LABEL]: MANAGED_BY };
      const desired = desiredSlices(host, podEndpoints(host, service, spec), spec.publishNotReadyAddresses === true);
      const existing = new Map(slicesOf(host, service).map((s) => [keyOf(s), s]));
      for (const [key, slice] of desired) {
        const current = existing.get(key);
        existing.delete(key);
        if (
          current &&
          JSON.stringify(current.endpoints) === JSON.stringify(slice.endpoints) &&
          JSON.stringify(current.metadata.labels) === JSON.stringify(labels)
        )
          continue;
        const body: KubeObject = {
          apiVersion: 'discovery.k8s.io/v1',
          kind: 'EndpointSlice',
          metadata: current
            ? { ...current.metadata, labels }
            : {
                name: '',
                generateName: `${service.metadata.name}-`,
                namespace: target.namespace,
                labels,
                ownerReferences: [
                  {
                    apiVersion: 'v1',
                    kind: 'Service',
                    name: service.metadata.name,
                    uid: service.metadata.uid ?? '',
                    controller: true,
                    blockOwnerDeletion: true,
                  },
                ],
              },
          addressType: 'IPv4',
          endpoints: slice.endpoints,
          ...(slice.ports?.length ? { ports: slice.ports } : {}),
        };
        if (current) host.rest.replace(type, current, body, {});
        else host.rest.create(type, target.namespace, body);
      }
      for (const stale of existing.values()) host.rest.deleter.delete(type, target.namespace, stale.metadata.name);
    },
  };
}
