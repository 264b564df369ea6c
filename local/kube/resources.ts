/**
 * The resource types the Kubernetes simulator serves: the one table that discovery, the OpenAPI
 * documents and the generic REST handlers are built from. CRDs add rows at run time (see
 * `ResourceRegistry`), so a custom resource is discoverable as soon as its CRD is stored.
 */
export type ResourceType = Readonly<{
  /** API group; '' for the core group (`/api/v1`). */
  group: string;
  version: string;
  kind: string;
  /** Lower-case plural, the path segment (`deployments`). */
  plural: string;
  /** Lower-case singular (`deployment`). */
  singular: string;
  namespaced: boolean;
  shortNames?: readonly string[];
  categories?: readonly string[];
  /** Has a `status` subresource: a PUT/PATCH of the main resource keeps status, `/status` keeps spec. */
  status?: boolean;
  /** Read-only and computed (metrics): only get and list. */
  readOnly?: boolean;
  /** Other subresources served (`log`, `scale`, `eviction`…). */
  subresources?: readonly string[];
}>;

const VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'] as const;
const READ_VERBS = ['get', 'list'] as const;

/** The verbs a resource type supports, as discovery lists them. */
export function verbsOf(type: ResourceType): readonly string[] {
  return type.readOnly ? READ_VERBS : VERBS;
}

/** `apps/v1`, or `v1` for the core group. */
export function groupVersionOf(type: Pick<ResourceType, 'group' | 'version'>): string {
  return type.group ? `${type.group}/${type.version}` : type.version;
}

const core = (kind: string, plural: string, namespaced: boolean, extra: Partial<ResourceType> = {}): ResourceType => ({
  group: '',
  version: 'v1',
  kind,
  plural,
  singular: kind.toLowerCase(),
  namespaced,
  ...extra,
});

const of = (group: string, version: string, kind: string, plural: string, namespaced: boolean, extra: Partial<ResourceType> = {}): ResourceType => ({
  group,
  version,
  kind,
  plural,
  singular: kind.toLowerCase(),
  namespaced,
  ...extra,
});

/** The built-in types: what issue 8 lists, each in its preferred (and only) served version. */
export const BUILT_IN_TYPES: readonly ResourceType[] = [
  core('Namespace', 'namespaces', false, { shortNames: ['ns'], status: true }),
  core('Pod', 'pods', true, { shortNames: ['po'], categories: ['all'], status: true, subresources: ['log', 'eviction'] }),
  core('Service', 'services', true, { shortNames: ['svc'], categories: ['all'], status: true }),
  core('ConfigMap', 'configmaps', true, { shortNames: ['cm'] }),
  core('Secret', 'secrets', true),
  core('ServiceAccount', 'serviceaccounts', true, { shortNames: ['sa'] }),
  core('PersistentVolumeClaim', 'persistentvolumeclaims', true, { shortNames: ['pvc'], status: true }),
  core('PersistentVolume', 'persistentvolumes', false, { shortNames: ['pv'], status: true }),
  core('Event', 'events', true, { shortNames: ['ev'] }),
  core('Endpoints', 'endpoints', true, { shortNames: ['ep'], singular: 'endpoints' }),
  core('Node', 'nodes', false, { shortNames: ['no'], status: true }),
  core('ResourceQuota', 'resourcequotas', true, { shortNames: ['quota'], status: true }),
  core('LimitRange', 'limitranges', true, { shortNames: ['limits'] }),
  of('apps', 'v1', 'Deployment', 'deployments', true, { shortNames: ['deploy'], categories: ['all'], status: true, subresources: ['scale'] }),
  of('apps', 'v1', 'ReplicaSet', 'replicasets', true, { shortNames: ['rs'], categories: ['all'], status: true, subresources: ['scale'] }),
  of('apps', 'v1', 'StatefulSet', 'statefulsets', true, { shortNames: ['sts'], categories: ['all'], status: true, subresources: ['scale'] }),
  of('apps', 'v1', 'DaemonSet', 'daemonsets', true, { shortNames: ['ds'], categories: ['all'], status: true }),
  of('apps', 'v1', 'ControllerRevision', 'controllerrevisions', true),
  of('batch', 'v1', 'Job', 'jobs', true, { categories: ['all'], status: true }),
  of('batch', 'v1', 'CronJob', 'cronjobs', true, { shortNames: ['cj'], categories: ['all'], status: true }),
  of('networking.k8s.io', 'v1', 'Ingress', 'ingresses', true, { shortNames: ['ing'], status: true }),
  of('networking.k8s.io', 'v1', 'IngressClass', 'ingressclasses', false),
  of('networking.k8s.io', 'v1', 'NetworkPolicy', 'networkpolicies', true, { shortNames: ['netpol'] }),
  of('discovery.k8s.io', 'v1', 'EndpointSlice', 'endpointslices', true),
  of('policy', 'v1', 'PodDisruptionBudget', 'poddisruptionbudgets', true, { shortNames: ['pdb'], status: true }),
  of('rbac.authorization.k8s.io', 'v1', 'Role', 'roles', true),
  of('rbac.authorization.k8s.io', 'v1', 'RoleBinding', 'rolebindings', true),
  of('rbac.authorization.k8s.io', 'v1', 'ClusterRole', 'clusterroles', false),
  of('rbac.authorization.k8s.io', 'v1', 'ClusterRoleBinding', 'clusterrolebindings', false),
  of('storage.k8s.io', 'v1', 'StorageClass', 'storageclasses', false, { shortNames: ['sc'] }),
  of('apiextensions.k8s.io', 'v1', 'CustomResourceDefinition', 'customresourcedefinitions', false, { shortNames: ['crd', 'crds'], status: true }),
  of('coordination.k8s.io', 'v1', 'Lease', 'leases', true),
  of('autoscaling', 'v2', 'HorizontalPodAutoscaler', 'horizontalpodautoscalers', true, { shortNames: ['hpa'], categories: ['all'], status: true }),
  of('metrics.k8s.io', 'v1beta1', 'NodeMetrics', 'nodes', false, { readOnly: true, singular: '' }),
  of('metrics.k8s.io', 'v1beta1', 'PodMetrics', 'pods', true, { readOnly: true, singular: '' }),
];

/**
 * The served types: the built-in ones plus those the stored CRDs define. Discovery, OpenAPI and the
 * REST router all ask this registry, so a type appears everywhere at once.
 */
export class ResourceRegistry {
  private readonly custom = new Map<string, ResourceType>();

  constructor(private readonly builtIn: readonly ResourceType[] = BUILT_IN_TYPES) {}

  /** Every served type, built-in first, then custom types in the order their CRDs were stored. */
  all(): readonly ResourceType[] {
    return [...this.builtIn, ...this.custom.values()];
  }

  /** The type served at `/api(s)/<group>/<version>/…/<plural>`, or undefined. */
  find(group: string, version: string, plural: string): ResourceType | undefined {
    return this.all().find((t) => t.group === group && t.version === version && t.plural === plural);
  }

  /** The type of an object by its apiVersion and kind, or undefined. */
  findKind(apiVersion: string, kind: string): ResourceType | undefined {
    return this.all().find((t) => groupVersionOf(t) === apiVersion && t.kind === kind);
  }

  /** Adds or replaces the types a CRD defines (one per served version), keyed by the CRD's name. */
  defineCustom(crdName: string, types: readonly ResourceType[]): void {
    this.removeCustom(crdName);
    types.forEach((type, index) => this.custom.set(`${crdName}#${index}`, type));
  }

  /** Removes the types a CRD defined. */
  removeCustom(crdName: string): void {
    for (const key of [...this.custom.keys()]) if (key.startsWith(`${crdName}#`)) this.custom.delete(key);
  }
}
