import type { KubeObject } from '../store.js';
import type { Controller } from './host.js';
import { allServices, inheritedLabels, podEndpoints, serviceTargets, type PodEndpoint } from './service-pods.js';
import { selectorOf, serviceSpecOf } from './service-spec.js';

const MANAGED_BY_LABEL = 'endpoints.kubernetes.io/managed-by';
const MANAGED_BY = 'endpoint-controller';

type Address = Pick<PodEndpoint, 'ip' | 'nodeName' | 'hostname' | 'targetRef'>;
type Subset = { addresses?: Address[]; notReadyAddresses?: Address[]; ports?: PodEndpoint['ports'] };

// Pods that serve the same ports share a subset (a named targetPort can resolve differently per pod).
function subsetsOf(endpoints: PodEndpoint[], publishNotReady: boolean): Subset[] {
  const byPorts = new Map<string, { ready: Address[]; notReady: Address[]; ports: PodEndpoint['ports'] }>();
  for (const endpoint of endpoints) {
    if (endpoint.terminating && !publishNotReady) continue;
    const key = JSON.stringify(endpoint.ports);
    const group = byPorts.get(key) ?? { ready: [], notReady: [], ports: endpoint.ports };
    byPorts.set(key, group);
    const { ip, nodeName, hostname, targetRef } = endpoint;
    (endpoint.podReady || publishNotReady ? group.ready : group.notReady).push({
      ip,
      ...(hostname ? { hostname } : {}),
      ...(nodeName ? { nodeName } : {}),
      targetRef,
    });
  }
  return [...byPorts.values()].map((g) => ({
    ...(g.ready.length ? { addresses: g.ready } : {}),
    ...(g.notReady.length ? { notReadyAddresses: g.notReady } : {}),
    ...(g.ports.length ? { ports: g.ports } : {}),
  }));
}

// Whether the Endpoints of a Service list a pod (by name), ready or not.
const listsPod = (endpoints: KubeObject | undefined, pod: string): boolean =>
  ((endpoints?.subsets ?? []) as Subset[]).some((s) => [...(s.addresses ?? []), ...(s.notReadyAddresses ?? [])].some((a) => a.targetRef?.name === pod));

/**
 * The endpoints controller: a Service with a selector gets an Endpoints object of the same name
 * listing its pods, ready ones in `addresses` and the others in `notReadyAddresses` (terminating
 * pods are left out; `publishNotReadyAddresses` lists every pod as ready). Like the real one it sets no owner reference; it deletes the Endpoints
 * itself when the Service goes. Endpoints of a selectorless Service are the user's and left alone.
 */
export function endpointsController(): Controller {
  return {
    name: 'endpoints',
    targetsOf: (event, host) =>
      serviceTargets(event, host, (service, pod) => listsPod(host.get('', 'endpoints', service.metadata.namespace ?? '', service.metadata.name), pod)),
    initialTargets: allServices,
    reconcile(target, host) {
      const type = host.type('', 'endpoints');
      const existing = host.get('', 'endpoints', target.namespace, target.name);
      const service = host.get('', 'services', target.namespace, target.name);
      if (!service) {
        if (existing) host.rest.deleter.delete(type, target.namespace, target.name);
        return;
      }
      const spec = serviceSpecOf(service);
      if (!spec || !selectorOf(spec)) return;
      const subsets = subsetsOf(podEndpoints(host, service, spec), spec.publishNotReadyAddresses === true);
      const labels = { ...inheritedLabels(service, spec), [MANAGED_BY_LABEL]: MANAGED_BY };
      if (existing && JSON.stringify(existing.subsets ?? []) === JSON.stringify(subsets) && JSON.stringify(existing.metadata.labels) === JSON.stringify(labels))
        return;
      const metadata = { ...existing?.metadata, name: target.name, namespace: target.namespace, labels };
      const body: KubeObject = { apiVersion: 'v1', kind: 'Endpoints', metadata, ...(subsets.length ? { subsets } : {}) };
      if (existing) host.rest.replace(type, existing, body, {});
      else host.rest.create(type, target.namespace, body);
    },
  };
}
