import type { KubeObject } from '../store.js';
import type { EventRecorder } from './events.js';
import type { Controller, ControllerHost } from './host.js';
import { LOAD_BALANCER_PREFIX } from './service-allocators.js';
import { SERVICE_TYPES, serviceSpecOf } from './service-spec.js';

const SOURCE = { component: 'service-controller' };
// How long the simulated cloud takes to program a load balancer.
const PROVISIONING_MS = 500;

type Ingress = { ip?: string; ipMode?: string };
const ingressOf = (service: KubeObject): Ingress[] =>
  ((service.status as { loadBalancer?: { ingress?: Ingress[] } } | undefined)?.loadBalancer?.ingress ?? []).filter((i) => typeof i?.ip === 'string');

// The lowest address no other Service holds; a Service keeps its address for as long as it is a LoadBalancer.
function freeAddress(host: ControllerHost): string | undefined {
  const used = new Set(host.list('', 'services').flatMap((s) => ingressOf(s).map((i) => i.ip)));
  for (let n = 1; n < 255; n++) if (!used.has(`${LOAD_BALANCER_PREFIX}${n}`)) return `${LOAD_BALANCER_PREFIX}${n}`;
  return undefined;
}

/**
 * The cloud side of `type: LoadBalancer`, as MetalLB does it on kind: after a short (scaled) delay
 * the Service's `status.loadBalancer.ingress` gets an address from 172.18.255.0/24 (`ipMode: VIP`),
 * with the service controller's `EnsuringLoadBalancer`/`EnsuredLoadBalancer` events. A Service with
 * a `loadBalancerClass` belongs to another implementation and is left alone. Leaving the type
 * releases the address.
 */
export function loadBalancerController(events: EventRecorder): Controller {
  // namespace/name → when the load balancer of that Service (by uid) is programmed
  const readyAt = new Map<string, { uid: string; at: number }>();
  return {
    name: 'service-load-balancer',
    targetsOf: (event) => (event.group === '' && event.plural === 'services' ? [event] : []),
    initialTargets: (host) =>
      host.list('', 'services').map((s) => ({ group: '', plural: 'services', namespace: s.metadata.namespace ?? '', name: s.metadata.name })),
    reconcile(target, host) {
      const key = `${target.namespace}/${target.name}`;
      const service = host.get('', 'services', target.namespace, target.name);
      const spec = service && serviceSpecOf(service);
      if (!service || !spec) {
        readyAt.delete(key);
        return;
      }
      const uid = service.metadata.uid ?? '';
      const ingress = ingressOf(service);
      const write = (loadBalancer: Record<string, unknown>): void => {
        const status = { ...(service.status as Record<string, unknown> | undefined), loadBalancer };
        host.rest.replace(host.type('', 'services'), service, { ...service, status }, { subresource: 'status' });
      };
      if (spec.type !== SERVICE_TYPES.loadBalancer || spec.loadBalancerClass || service.metadata.deletionTimestamp) {
        readyAt.delete(key);
        if (ingress.length === 0) return;
        events.record(service, 'Normal', 'DeletingLoadBalancer', 'Deleting load balancer', SOURCE);
        write({});
        events.record(service, 'Normal', 'DeletedLoadBalancer', 'Deleted load balancer', SOURCE);
        return;
      }
      if (ingress.length > 0) return;
      const due = readyAt.get(key)?.uid === uid ? readyAt.get(key)!.at : undefined;
      if (due === undefined) {
        events.record(service, 'Normal', 'EnsuringLoadBalancer', 'Ensuring load balancer', SOURCE);
        readyAt.set(key, { uid, at: Date.now() + host.scaled(PROVISIONING_MS) });
        return { afterMs: host.scaled(PROVISIONING_MS) };
      }
      if (Date.now() < due) return { afterMs: due - Date.now() };
      const ip = freeAddress(host);
      if (!ip) {
        events.record(service, 'Warning', 'SyncLoadBalancerFailed', 'Error syncing load balancer: failed to ensure load balancer: no available IPs', SOURCE);
        return;
      }
      write({ ingress: [{ ip, ipMode: 'VIP' }] });
      readyAt.delete(key);
      events.record(service, 'Normal', 'EnsuredLoadBalancer', 'Ensured load balancer', SOURCE);
    },
  };
}
