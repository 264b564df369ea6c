/**
 * The columns kube-apiserver prints for the core built-in types (pkg/printers/internalversion), which
 * `kubectl get` shows as they come: priority 0 columns always, priority 1 ones with `-o wide`.
 * Every cell is computed on the server, from the stored object, at the time of the request.
 */
import { since } from './human-duration.js';
import { podCells, podRowConditions } from './pod-printing.js';
import type { KubeObject } from './store.js';
import { age, AGE, column, count, get, mapText, NAME, num, str, type Printer } from './table-format.js';

const ACCESS_MODES: Record<string, string> = { ReadWriteOnce: 'RWO', ReadOnlyMany: 'ROX', ReadWriteMany: 'RWX', ReadWriteOncePod: 'RWOP' };
const accessModes = (modes: unknown): string => ((modes ?? []) as string[]).map((m) => ACCESS_MODES[m] ?? m).join(',');

function servicePorts(service: KubeObject): string {
  const ports = (get(service, 'spec.ports') ?? []) as { port: number; nodePort?: number; protocol?: string }[];
  if (ports.length === 0) return '<none>';
  return ports.map((p) => (p.nodePort ? `${p.port}:${p.nodePort}` : `${p.port}`) + `/${p.protocol ?? 'TCP'}`).join(',');
}

function loadBalancerAddresses(status: unknown): string {
  const ingress = (get(status, 'loadBalancer.ingress') ?? []) as { ip?: string; hostname?: string }[];
  return [...new Set(ingress.map((i) => i.ip || i.hostname || '').filter(Boolean))].sort().join(',');
}

function serviceExternalIp(service: KubeObject): string {
  const externalIps = (get(service, 'spec.externalIPs') ?? []) as string[];
  switch (get(service, 'spec.type') ?? 'ClusterIP') {
    case 'ClusterIP':
    case 'NodePort':
      return externalIps.length ? externalIps.join(',') : '<none>';
    case 'LoadBalancer': {
      const addresses = [loadBalancerAddresses(service.status), ...externalIps].filter(Boolean).join(',');
      return addresses || '<pending>';
    }
    case 'ExternalName':
      return str(service, 'spec.externalName', '');
    default:
      return '<unknown>';
  }
}

function endpointsText(endpoints: KubeObject): string {
  const subsets = (endpoints.subsets ?? []) as { addresses?: { ip: string }[]; ports?: { port: number }[] }[];
  const all = subsets.flatMap((s) => (s.ports ?? []).flatMap((p) => (s.addresses ?? []).map((a) => (a.ip.includes(':') ? `[${a.ip}]` : a.ip) + `:${p.port}`)));
  if (all.length === 0) return '<none>';
  return all.length > 3 ? `${all.slice(0, 3).join(',')} + ${all.length - 3} more...` : all.join(',');
}

function nodeStatus(node: KubeObject): string {
  const ready = ((get(node, 'status.conditions') ?? []) as { type: string; status: string }[]).find((c) => c.type === 'Ready');
  const states = [ready ? (ready.status === 'True' ? 'Ready' : 'NotReady') : 'Unknown'];
  if (get(node, 'spec.unschedulable') === true) states.push('SchedulingDisabled');
  return states.join(',');
}

function nodeRoles(node: KubeObject): string {
  const roles = new Set<string>();
  for (const [key, value] of Object.entries(node.metadata.labels ?? {})) {
    if (key.startsWith('node-role.kubernetes.io/') && key.length > 'node-role.kubernetes.io/'.length) roles.add(key.slice('node-role.kubernetes.io/'.length));
    else if (key === 'kubernetes.io/role' && value) roles.add(value);
  }
  return [...roles].sort().join(',') || '<none>';
}

const nodeAddress = (node: KubeObject, type: string): string =>
  ((get(node, 'status.addresses') ?? []) as { type: string; address: string }[]).find((a) => a.type === type)?.address ?? '<none>';

function eventLastSeen(event: KubeObject): string {
  const last = event.lastTimestamp ?? event.eventTime ?? event.firstTimestamp ?? event.metadata.creationTimestamp;
  const times = Number(event.count ?? 1);
  return times > 1 ? `${since(last)} (x${times} over ${since(event.firstTimestamp ?? last)})` : since(last);
}

function ingressHosts(ingress: KubeObject): string {
  const hosts = ((get(ingress, 'spec.rules') ?? []) as { host?: string }[]).map((r) => r.host).filter((h): h is string => Boolean(h));
  if (hosts.length === 0) return '*';
  return hosts.length > 4 ? `${hosts.slice(0, 4).join(',')} + ${hosts.length - 4} more...` : hosts.join(',');
}

function storageClassName(object: KubeObject): string {
  return str(object, 'spec.storageClassName', '') || object.metadata.annotations?.['volume.beta.kubernetes.io/storage-class'] || '';
}

/** The printers of the core types (and storage, networking, policy), by `group/Kind`. */
export const BUILT_IN_PRINTERS: Record<string, Printer> = {
  '/Pod': {
    columns: [
      NAME,
      column('Ready', 'The aggregate readiness state of this pod for accepting traffic.'),
      column('Status', 'The aggregate status of the containers in this pod.'),
      column('Restarts', 'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.'),
      AGE,
      column('IP', 'IP address allocated to the pod.', { wide: true }),
      column('Node', 'NodeName is the node the pod is scheduled on.', { wide: true }),
      column('Nominated Node', 'NominatedNodeName is the node the pod may be scheduled on after preemption.', { wide: true }),
      column('Readiness Gates', 'Readiness gates of the pod.', { wide: true }),
    ],
    cells: podCells,
    conditions: podRowConditions,
  },
  '/Service': {
    columns: [
      NAME,
      column('Type', 'type determines how the Service is exposed.'),
      column('Cluster-IP', 'clusterIP is the IP address of the service.'),
      column('External-IP', 'externalIPs is a list of IP addresses for which nodes in the cluster will also accept traffic for this service.'),
      column('Port(s)', 'The list of ports that are exposed by this service.'),
      AGE,
      column('Selector', 'Route service traffic to pods with label keys and values matching this selector.', { wide: true }),
    ],
    cells: (s) => [
      s.metadata.name,
      str(s, 'spec.type', 'ClusterIP'),
      str(s, 'spec.clusterIP'),
      serviceExternalIp(s),
      servicePorts(s),
      age(s),
      mapText(get(s, 'spec.selector')),
    ],
  },
  '/Endpoints': {
    columns: [NAME, column('Endpoints', 'The set of all endpoints is the union of all subsets.'), AGE],
    cells: (e) => [e.metadata.name, endpointsText(e), age(e)],
  },
  '/Node': {
    columns: [
      NAME,
      column('Status', 'The status of the node'),
      column('Roles', 'The roles of the node'),
      AGE,
      column('Version', 'Kubelet Version reported by the node.'),
      column('Internal-IP', 'List of addresses reachable to the node.', { wide: true }),
      column('External-IP', 'List of addresses reachable to the node.', { wide: true }),
      column('OS-Image', 'OS Image reported by the node from /etc/os-release.', { wide: true }),
      column('Kernel-Version', "Kernel Version reported by the node from 'uname -r'.", { wide: true }),
      column('Container-Runtime', 'ContainerRuntime Version reported by the node through runtime remote API.', { wide: true }),
    ],
    cells: (n) => [
      n.metadata.name,
      nodeStatus(n),
      nodeRoles(n),
      age(n),
      str(n, 'status.nodeInfo.kubeletVersion', ''),
      nodeAddress(n, 'InternalIP'),
      nodeAddress(n, 'ExternalIP'),
      str(n, 'status.nodeInfo.osImage', '<unknown>'),
      str(n, 'status.nodeInfo.kernelVersion', '<unknown>'),
      str(n, 'status.nodeInfo.containerRuntimeVersion', '<unknown>'),
    ],
  },
  '/Event': {
    columns: [
      column('Last Seen', 'The time at which the most recent occurrence of this event was recorded.'),
      column('Type', 'Type of this event (Normal, Warning).'),
      column('Reason', "This should be a short, machine understandable string that gives the reason for the transition into the object's current status."),
      column('Object', 'The object that this event is about.'),
      column('Subobject', 'The field of the object this event is about.', { wide: true }),
      column('Source', 'The component reporting this event.', { wide: true }),
      column('Message', 'A human-readable description of the status of this operation.'),
      column('First Seen', 'The time at which the event was first recorded.', { wide: true }),
      column('Count', 'The number of times this event has occurred.', { wide: true }),
      column('Name', 'Name must be unique within a namespace.', { wide: true, format: 'name' }),
    ],
    cells: (e) => [
      eventLastSeen(e),
      str(e, 'type', ''),
      str(e, 'reason', ''),
      `${str(e, 'involvedObject.kind', '').toLowerCase()}/${str(e, 'involvedObject.name', '')}`,
      str(e, 'involvedObject.fieldPath', ''),
      [str(e, 'source.component', ''), str(e, 'source.host', '')].filter(Boolean).join(', '),
      str(e, 'message', '').trim(),
      since(e.firstTimestamp ?? e.eventTime),
      Number(e.count ?? 1),
      e.metadata.name,
    ],
  },
  '/Namespace': {
    columns: [NAME, column('Status', 'The status of the namespace'), AGE],
    cells: (n) => [n.metadata.name, str(n, 'status.phase', ''), age(n)],
  },
  '/ConfigMap': {
    columns: [NAME, column('Data', 'Data contains the configuration data.'), AGE],
    cells: (c) => [c.metadata.name, count(c.data) + count(c.binaryData), age(c)],
  },
  '/Secret': {
    columns: [NAME, column('Type', 'Used to facilitate programmatic handling of secret data.'), column('Data', 'Data contains the secret data.'), AGE],
    cells: (s) => [s.metadata.name, str(s, 'type', 'Opaque'), count(s.data), age(s)],
  },
  '/ServiceAccount': {
    columns: [
      NAME,
      column('Secrets', 'Secrets is a list of the secrets in the same namespace that pods running using this ServiceAccount are allowed to use.'),
      AGE,
    ],
    cells: (s) => [s.metadata.name, count(s.secrets), age(s)],
  },
  '/PersistentVolumeClaim': {
    columns: [
      NAME,
      column('Status', 'Phase represents the current phase of PersistentVolumeClaim.'),
      column('Volume', 'volumeName is the binding reference to the PersistentVolume backing this claim.'),
      column('Capacity', 'capacity represents the actual resources of the underlying volume.'),
      column('Access Modes', 'accessModes contains the actual access modes the volume backing the PVC has.'),
      column('StorageClass', 'StorageClass of the pvc'),
      column('VolumeAttributesClass', 'VolumeAttributesClass of the pvc'),
      AGE,
      column('VolumeMode', 'volumeMode defines what type of volume is required by the claim.', { wide: true }),
    ],
    cells: (p) => {
      const bound = Boolean(get(p, 'spec.volumeName'));
      return [
        p.metadata.name,
        p.metadata.deletionTimestamp ? 'Terminating' : str(p, 'status.phase', ''),
        str(p, 'spec.volumeName', ''),
        bound ? str(p, 'status.capacity.storage', '') : '',
        bound ? accessModes(get(p, 'status.accessModes')) : '',
        storageClassName(p),
        str(p, 'spec.volumeAttributesClassName', '<unset>'),
        age(p),
        str(p, 'spec.volumeMode', '<unset>'),
      ];
    },
  },
  '/PersistentVolume': {
    columns: [
      NAME,
      column('Capacity', "capacity is the description of the persistent volume's resources and capacity."),
      column('Access Modes', 'accessModes contains all ways the volume can be mounted.'),
      column('Reclaim Policy', 'persistentVolumeReclaimPolicy defines what happens to a persistent volume when released from its claim.'),
      column('Status', 'phase indicates if a volume is available, bound to a claim, or released by a claim.'),
      column('Claim', 'claimRef is part of a bi-directional binding between PersistentVolume and PersistentVolumeClaim.'),
      column('StorageClass', 'StorageClass of the pv'),
      column('VolumeAttributesClass', 'VolumeAttributesClass of the pv'),
      column('Reason', 'reason is a brief CamelCase string that describes any failure.'),
      AGE,
      column('VolumeMode', 'volumeMode defines if a volume is intended to be used with a formatted filesystem or to remain in raw block state.', {
        wide: true,
      }),
    ],
    cells: (p) => {
      const claim = get(p, 'spec.claimRef') as { namespace?: string; name?: string } | undefined;
      return [
        p.metadata.name,
        str(p, 'spec.capacity.storage', ''),
        accessModes(get(p, 'spec.accessModes')),
        str(p, 'spec.persistentVolumeReclaimPolicy', ''),
        p.metadata.deletionTimestamp ? 'Terminating' : str(p, 'status.phase', ''),
        claim ? `${claim.namespace ?? ''}/${claim.name ?? ''}` : '',
        storageClassName(p),
        str(p, 'spec.volumeAttributesClassName', '<unset>'),
        str(p, 'status.reason', ''),
        age(p),
        str(p, 'spec.volumeMode', '<unset>'),
      ];
    },
  },
  'storage.k8s.io/StorageClass': {
    columns: [
      NAME,
      column('Provisioner', 'provisioner indicates the type of the provisioner.'),
      column('ReclaimPolicy', 'reclaimPolicy controls the reclaimPolicy for dynamically provisioned PersistentVolumes of this storage class.'),
      column('VolumeBindingMode', 'volumeBindingMode indicates how PersistentVolumeClaims should be provisioned and bound.'),
      column('AllowVolumeExpansion', 'allowVolumeExpansion shows whether the storage class allow volume expand.'),
      AGE,
    ],
    cells: (s) => {
      const isDefault = ['storageclass.kubernetes.io/is-default-class', 'storageclass.beta.kubernetes.io/is-default-class'].some(
        (a) => s.metadata.annotations?.[a] === 'true',
      );
      return [
        isDefault ? `${s.metadata.name} (default)` : s.metadata.name,
        str(s, 'provisioner', ''),
        str(s, 'reclaimPolicy', 'Delete'),
        str(s, 'volumeBindingMode', 'Immediate'),
        String(get(s, 'allowVolumeExpansion') === true),
        age(s),
      ];
    },
  },
  'networking.k8s.io/Ingress': {
    columns: [
      NAME,
      column('Class', 'The name of the IngressClass resource that should be used for additional configuration'),
      column('Hosts', 'Hosts that incoming requests are matched against before the ingress rule'),
      column('Address', 'Address is a list containing ingress points for the load-balancer'),
      column('Ports', 'Ports of TLS configurations that open'),
      AGE,
    ],
    cells: (i) => [
      i.metadata.name,
      str(i, 'spec.ingressClassName'),
      ingressHosts(i),
      loadBalancerAddresses(i.status),
      count(get(i, 'spec.tls')) > 0 ? '80, 443' : '80',
      age(i),
    ],
  },
  'policy/PodDisruptionBudget': {
    columns: [
      NAME,
      column('Min Available', 'The minimum number of pods that must be available.'),
      column('Max Unavailable', 'The maximum number of pods that may be unavailable.'),
      column('Allowed Disruptions', 'Calculated number of pods that may be disrupted at this time.', { type: 'integer' }),
      AGE,
    ],
    cells: (p) => [p.metadata.name, str(p, 'spec.minAvailable', 'N/A'), str(p, 'spec.maxUnavailable', 'N/A'), num(p, 'status.disruptionsAllowed'), age(p)],
  },
};
