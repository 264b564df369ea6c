import type { Controller, ControllerHost, Target } from './host.js';
import type { ClusterSettings } from './settings.js';
import type { KubeObject, StoreEvent } from '../store.js';
import { KUBE_VERSION } from '../version.js';

const now = (): string => new Date().toISOString().replace(/\.\d+Z$/, 'Z');
/** Real kubelets renew their Lease every 10 s; node status is posted with it here. Real seconds: not scaled. */
const HEARTBEAT_MS = 10_000;
const ZONES = ['local-a', 'local-b', 'local-c'];

export const nodeName = (index: number): string => `sim-node-${index + 1}`;
/** The node's address; pods on node i get 10.244.i.x (the node's podCIDR). */
export const nodeAddress = (index: number): string => `10.0.0.${index + 11}`;

function nodeConditions(heartbeat: string, transition: string): Record<string, unknown>[] {
  const condition = (type: string, status: string, reason: string, message: string): Record<string, unknown> => ({
    type,
    status,
    reason,
    message,
    lastHeartbeatTime: heartbeat,
    lastTransitionTime: transition,
  });
  return [
    condition('MemoryPressure', 'False', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'),
    condition('DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
    condition('PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
    condition('Ready', 'True', 'KubeletReady', 'kubelet is posting ready status'),
  ];
}

function nodeObject(index: number, settings: ClusterSettings): Record<string, unknown> {
  const name = nodeName(index);
  return {
    metadata: {
      name,
      labels: {
        'beta.kubernetes.io/arch': 'amd64',
        'beta.kubernetes.io/os': 'linux',
        'kubernetes.io/arch': 'amd64',
        'kubernetes.io/hostname': name,
        'kubernetes.io/os': 'linux',
        'node.kubernetes.io/instance-type': 'sim.xlarge',
        'topology.kubernetes.io/region': 'local',
        'topology.kubernetes.io/zone': ZONES[index % ZONES.length],
      },
      annotations: { 'node.alpha.kubernetes.io/ttl': '0', 'volumes.kubernetes.io/controller-managed-attach-detach': 'true' },
    },
    spec: { podCIDR: `10.244.${index}.0/24`, podCIDRs: [`10.244.${index}.0/24`], providerID: `sim://${name}` },
    status: {
      capacity: settings.nodeSize,
      allocatable: settings.nodeSize,
      conditions: nodeConditions(now(), now()),
      addresses: [
        { type: 'InternalIP', address: nodeAddress(index) },
        { type: 'Hostname', address: name },
      ],
      daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
      nodeInfo: {
        machineID: `sim${String(index + 1).padStart(29, '0')}`,
        systemUUID: `00000000-0000-0000-0000-${String(index + 1).padStart(12, '0')}`,
        bootID: `00000000-0000-0000-0001-${String(index + 1).padStart(12, '0')}`,
        kernelVersion: '6.1.0-sim',
        osImage: 'Kubernetes simulator (no containers run)',
        containerRuntimeVersion: 'sim://1.0.0',
        kubeletVersion: KUBE_VERSION.gitVersion,
        kubeProxyVersion: KUBE_VERSION.gitVersion,
        operatingSystem: 'linux',
        architecture: 'amd64',
      },
      images: [],
    },
  };
}

/**
 * The nodes and their kubelets' heartbeats: the configured number of nodes exist and stay Ready,
 * renewing a Lease in `kube-node-lease` and the Ready condition's `lastHeartbeatTime` every 10 s.
 */
export class NodeLifecycle implements Controller {
  readonly name = 'node-lifecycle';

  targetsOf(event: StoreEvent): Target[] {
    // A node deleted by a user comes back, as a kubelet re-registers it.
    return event.plural === 'nodes' && event.group === '' && event.type === 'DELETED' ? [this.target(event.name)] : [];
  }

  initialTargets(host: ControllerHost): Target[] {
    return Array.from({ length: host.settings.nodes }, (_, i) => this.target(nodeName(i)));
  }

  reconcile(target: Target, host: ControllerHost): { afterMs: number } | undefined {
    const index = Number(/^sim-node-(\d+)$/.exec(target.name)?.[1]) - 1;
    if (!(index >= 0 && index < host.settings.nodes)) return undefined;
    const nodes = host.type('', 'nodes');
    const live = host.get('', 'nodes', '', target.name);
    const stamp = now();
    if (!live) host.rest.create(nodes, undefined, nodeObject(index, host.settings));
    else {
      const status = live.status as { conditions?: { type: string; lastTransitionTime?: string }[] };
      const since = status.conditions?.find((c) => c.type === 'Ready')?.lastTransitionTime ?? stamp;
      host.rest.replace(nodes, live, { ...live, status: { ...status, conditions: nodeConditions(stamp, since) } }, { subresource: 'status' });
    }
    this.renewLease(host, target.name, stamp);
    return { afterMs: HEARTBEAT_MS };
  }

  private renewLease(host: ControllerHost, name: string, stamp: string): void {
    const leases = host.type('coordination.k8s.io', 'leases');
    const live = host.get('coordination.k8s.io', 'leases', 'kube-node-lease', name);
    const renewTime = stamp.replace('Z', '.000000Z');
    if (live) host.rest.replace(leases, live, { ...live, spec: { ...(live.spec as object), renewTime } }, {});
    else {
      const node = host.get('', 'nodes', '', name) as KubeObject;
      host.rest.create(leases, 'kube-node-lease', {
        metadata: { name, namespace: 'kube-node-lease', ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name, uid: node.metadata.uid }] },
        spec: { holderIdentity: name, leaseDurationSeconds: 40, renewTime },
      });
    }
  }

  private target(name: string): Target {
    return { group: '', plural: 'nodes', namespace: '', name };
  }
}
