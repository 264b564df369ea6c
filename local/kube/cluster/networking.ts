import type { KubeRest } from '../rest.js';
import type { KubeObject } from '../store.js';
import { endpointSlicesController } from './endpoint-slices.js';
import { endpointsController } from './endpoints.js';
import type { EventRecorder } from './events.js';
import type { Controller } from './host.js';
import { loadBalancerController } from './load-balancers.js';
import { admitService } from './service-admission.js';

/** The `kubernetes` Service every cluster has in `default`: the API server at the range's first address. */
export const KUBERNETES_SERVICE: KubeObject = {
  metadata: { name: 'kubernetes', namespace: 'default', labels: { component: 'apiserver', provider: 'kubernetes' } },
  spec: { type: 'ClusterIP', clusterIP: '10.96.0.1', ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 6443 }], sessionAffinity: 'None' },
};

/**
 * The cluster's networking: Service admission (defaults, cluster IPs, node ports), the
 * `kubernetes` Service (created at start when absent), and the load-balancer, Endpoints and
 * EndpointSlice controllers. Returns the controllers to run.
 */
export function networking(rest: KubeRest, events: EventRecorder): Controller[] {
  rest.admitters.push(admitService);
  const services = rest.registry.find('', 'v1', 'services')!;
  if (!rest.store.get(rest.key(services, 'default', KUBERNETES_SERVICE.metadata.name))) rest.create(services, 'default', structuredClone(KUBERNETES_SERVICE));
  return [loadBalancerController(events), endpointsController(), endpointSlicesController()];
}
