/**
 * The columns of the less visited built-in types (rbac bindings, networking, coordination,
 * autoscaling, quotas, controller revisions, endpoint slices) as kube-apiserver prints them, and the
 * metrics as metrics-server prints them.
 * Built-in types with no printer of their own (Role, ClusterRole, LimitRange, CRDs) get the API server's
 * default convertor: NAME and CREATED AT.
 */
import { formatCpu, formatMemory, parseQuantity } from './cluster/quantity.js';
import { labelSelectorString, type LabelSelector } from './selectors.js';
import type { KubeObject } from './store.js';
import { age, AGE, column, get, NAME, str, type Printer } from './table-format.js';

const joinOrNone = (values: string[]): string => (values.length ? values.join(', ') : '');

/** NAME and CREATED AT (RFC 3339), what the API server's default table convertor answers. */
export const CREATED_AT_PRINTER: Printer = {
  columns: [NAME, column('Created At', 'CreationTimestamp is a timestamp representing the server time when this object was created.', { type: 'date' })],
  cells: (o) => [o.metadata.name, o.metadata.creationTimestamp ?? ''],
};

type Subject = { kind: string; name: string; namespace?: string };
const bindingPrinter = (what: string): Printer => ({
  columns: [
    NAME,
    column('Role', 'RoleRef can reference a Role in the current namespace or a ClusterRole in the global namespace.'),
    AGE,
    column('Users', `Users in the ${what}`, { wide: true }),
    column('Groups', `Groups in the ${what}`, { wide: true }),
    column('ServiceAccounts', `ServiceAccounts in the ${what}`, { wide: true }),
  ],
  cells: (b) => {
    const subjects = (b.subjects ?? []) as Subject[];
    const of = (kind: string): Subject[] => subjects.filter((s) => s.kind === kind);
    return [
      b.metadata.name,
      `${str(b, 'roleRef.kind', '')}/${str(b, 'roleRef.name', '')}`,
      age(b),
      joinOrNone(of('User').map((s) => s.name)),
      joinOrNone(of('Group').map((s) => s.name)),
      joinOrNone(of('ServiceAccount').map((s) => `${s.namespace ?? ''}:${s.name}`)),
    ];
  },
});

type MetricTarget = { type?: string; averageUtilization?: number; averageValue?: string; value?: string };
type MetricSpec = { type: string; resource?: { name: string; target?: MetricTarget }; [key: string]: unknown };

/** The TARGETS cell of an HPA: `cpu: 42%/80%`, `<unknown>` for a value not measured yet. */
function hpaTargets(hpa: KubeObject): string {
  const metrics = (get(hpa, 'spec.metrics') ?? []) as MetricSpec[];
  const current = (get(hpa, 'status.currentMetrics') ?? []) as {
    type: string;
    resource?: { name: string; current?: { averageUtilization?: number; averageValue?: string } };
  }[];
  if (metrics.length === 0) return '<none>';
  const parts = metrics.map((metric) => {
    if (metric.type !== 'Resource' || !metric.resource) return `<unknown>/<unknown>`;
    const { name, target = {} } = metric.resource;
    const measured = current.find((c) => c.type === 'Resource' && c.resource?.name === name)?.resource?.current;
    if (target.averageUtilization !== undefined) {
      const now = measured?.averageUtilization !== undefined ? `${measured.averageUtilization}%` : '<unknown>';
      return `${name}: ${now}/${target.averageUtilization}%`;
    }
    return `${name}: ${measured?.averageValue ?? '<unknown>'}/${target.averageValue ?? target.value ?? '<unknown>'}`;
  });
  return parts.length > 3 ? `${parts.slice(0, 3).join(', ')} + ${parts.length - 3} more...` : parts.join(', ');
}

/** The REQUEST and LIMIT cells of a ResourceQuota: `cpu: 500m/2, pods: 3/10`. */
function quotaCells(quota: KubeObject): [string, string] {
  const hard = (get(quota, 'status.hard') ?? get(quota, 'spec.hard') ?? {}) as Record<string, string>;
  const used = (get(quota, 'status.used') ?? {}) as Record<string, string>;
  const requests: string[] = [];
  const limits: string[] = [];
  for (const key of Object.keys(hard).sort()) {
    const text = `${key}: ${used[key] ?? '0'}/${hard[key]}`;
    (key.startsWith('limits.') ? limits : requests).push(text);
  }
  return [requests.join(', '), limits.join(', ')];
}

function controllerOf(revision: KubeObject): string {
  const owner = revision.metadata.ownerReferences?.find((r) => r.controller);
  if (!owner) return '<none>';
  const group = (owner.apiVersion ?? '').includes('/') ? (owner.apiVersion ?? '').split('/')[0] : '';
  return `${(owner.kind ?? '').toLowerCase()}${group ? `.${group}` : ''}/${owner.name ?? ''}`;
}

function sliceEndpoints(slice: KubeObject): string {
  const addresses = ((slice.endpoints ?? []) as { addresses?: string[] }[]).flatMap((e) => e.addresses ?? []);
  if (addresses.length === 0) return '<unset>';
  return addresses.length > 3 ? `${addresses.slice(0, 3).join(',')} + ${addresses.length - 3} more...` : addresses.join(',');
}

/** metrics-server's columns: name, each resource's usage (a pod's summed over its containers), window. */
const metricsPrinter = (usageOf: (object: KubeObject) => Record<string, string>[]): Printer => ({
  columns: [
    column('Name', 'Name of the resource', { format: 'name' }),
    column('cpu', '', { format: 'quantity' }),
    column('memory', '', { format: 'quantity' }),
    column('Window', '', { format: 'duration' }),
  ],
  cells: (m) => {
    const usage = usageOf(m);
    const total = (resource: string): number => usage.reduce((sum, u) => sum + parseQuantity(u[resource] ?? '0'), 0);
    return [m.metadata.name, formatCpu(total('cpu')), formatMemory(total('memory')), str(m, 'window', '')];
  },
});

/** More built-in printers, by `group/Kind` (merged with BUILT_IN_PRINTERS). */
export const MORE_PRINTERS: Record<string, Printer> = {
  'metrics.k8s.io/PodMetrics': metricsPrinter((m) => ((m.containers ?? []) as { usage: Record<string, string> }[]).map((c) => c.usage)),
  'metrics.k8s.io/NodeMetrics': metricsPrinter((m) => [(m.usage ?? {}) as Record<string, string>]),
  'rbac.authorization.k8s.io/RoleBinding': bindingPrinter('roleBinding'),
  'rbac.authorization.k8s.io/ClusterRoleBinding': bindingPrinter('clusterRoleBinding'),
  'rbac.authorization.k8s.io/Role': CREATED_AT_PRINTER,
  'rbac.authorization.k8s.io/ClusterRole': CREATED_AT_PRINTER,
  '/LimitRange': CREATED_AT_PRINTER,
  'apiextensions.k8s.io/CustomResourceDefinition': CREATED_AT_PRINTER,
  'networking.k8s.io/NetworkPolicy': {
    columns: [NAME, column('Pod-Selector', 'Selects the pods to which this NetworkPolicy object applies.'), AGE],
    cells: (n) => [n.metadata.name, labelSelectorString(get(n, 'spec.podSelector') as LabelSelector | undefined) || '<none>', age(n)],
  },
  'networking.k8s.io/IngressClass': {
    columns: [
      NAME,
      column('Controller', 'Controller that is responsible for handling this class'),
      column('Parameters', 'A reference to a resource with additional parameters'),
      AGE,
    ],
    cells: (i) => {
      const parameters = get(i, 'spec.parameters') as { kind?: string; apiGroup?: string; name?: string } | undefined;
      const kind = parameters ? `${parameters.kind ?? ''}${parameters.apiGroup ? `.${parameters.apiGroup}` : ''}/${parameters.name ?? ''}` : '<none>';
      return [i.metadata.name, str(i, 'spec.controller', ''), kind, age(i)];
    },
  },
  'coordination.k8s.io/Lease': {
    columns: [NAME, column('Holder', 'holderIdentity contains the identity of the holder of a current lease.'), AGE],
    cells: (l) => [l.metadata.name, str(l, 'spec.holderIdentity', ''), age(l)],
  },
  'autoscaling/HorizontalPodAutoscaler': {
    columns: [
      NAME,
      column('Reference', 'scaleTargetRef points to the target resource to scale.'),
      column('Targets', 'metrics contains the specifications for which to use to calculate the desired replica count.'),
      column('MinPods', 'minReplicas is the lower limit for the number of replicas.'),
      column('MaxPods', 'maxReplicas is the upper limit for the number of replicas.'),
      column('Replicas', 'currentReplicas is current number of replicas of pods managed by this autoscaler.'),
      AGE,
    ],
    cells: (h) => [
      h.metadata.name,
      `${str(h, 'spec.scaleTargetRef.kind', '')}/${str(h, 'spec.scaleTargetRef.name', '')}`,
      hpaTargets(h),
      str(h, 'spec.minReplicas', '<unset>'),
      Number(get(h, 'spec.maxReplicas') ?? 0),
      Number(get(h, 'status.currentReplicas') ?? 0),
      age(h),
    ],
  },
  '/ResourceQuota': {
    columns: [
      NAME,
      AGE,
      column('Request', 'Request represents a minimum amount of cpu/memory that a container may consume.'),
      column('Limit', 'Limits control the maximum amount of cpu/memory that a container may use independent of contention on the node.'),
    ],
    cells: (q) => [q.metadata.name, age(q), ...quotaCells(q)],
  },
  'apps/ControllerRevision': {
    columns: [
      NAME,
      column('Controller', 'Controller of the object'),
      column('Revision', 'Revision indicates the revision of the state represented by Data.'),
      AGE,
    ],
    cells: (r) => [r.metadata.name, controllerOf(r), Number(r.revision ?? 0), age(r)],
  },
  'discovery.k8s.io/EndpointSlice': {
    columns: [
      NAME,
      column('AddressType', 'addressType specifies the type of address carried by this EndpointSlice.'),
      column('Ports', 'ports specifies the list of network ports exposed by each endpoint in this slice.'),
      column('Endpoints', 'endpoints is a list of unique endpoints in this slice.'),
      AGE,
    ],
    cells: (s) => {
      const ports = ((s.ports ?? []) as { port?: number }[]).map((p) => (p.port === undefined ? '<unset>' : String(p.port)));
      return [s.metadata.name, str(s, 'addressType', ''), ports.length ? ports.join(',') : '<unset>', sliceEndpoints(s), age(s)];
    },
  },
};
