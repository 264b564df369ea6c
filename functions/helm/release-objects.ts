import { gunzipSync } from 'node:zlib';
import { AppsV1Api, BatchV1Api, CoreV1Api } from '@kubernetes/client-node';
import type { KubeConfig } from '@kubernetes/client-node';
import { parseAllDocuments } from 'yaml';
import type { KubeObject } from './readiness.js';

/**
 * Reads a Helm release straight from its storage (the `sh.helm.release.v1.<name>.v<revision>`
 * Secrets helm writes) and the objects of its manifest from the cluster, with one list per kind
 * present — no helm process, so a readiness check or a GET costs a few API calls.
 */

export type HelmRelease = Readonly<{
  name: string;
  namespace: string;
  revision: number;
  /** deployed, failed, superseded, uninstalling, pending-install, pending-upgrade, pending-rollback… */
  status: string;
  chart: string;
  chartVersion: string;
  appVersion: string;
  description: string;
  updated: string;
  manifest: string;
  /** The user-supplied values of this revision. */
  values: Record<string, unknown>;
}>;

type ReleaseJson = {
  name?: string;
  namespace?: string;
  version?: number;
  info?: { status?: string; description?: string; last_deployed?: string };
  chart?: { metadata?: { name?: string; version?: string; appVersion?: string } };
  manifest?: string;
  config?: Record<string, unknown>;
};

/** Helm's storage encoding: base64 of gzip of JSON (inside the Secret's own base64). */
export function decodeRelease(data: string): HelmRelease {
  let bytes = Buffer.from(Buffer.from(data, 'base64').toString('utf8'), 'base64');
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) bytes = gunzipSync(bytes);
  const json = JSON.parse(bytes.toString('utf8')) as ReleaseJson;
  return {
    name: json.name ?? '',
    namespace: json.namespace ?? '',
    revision: json.version ?? 0,
    status: json.info?.status ?? 'unknown',
    chart: json.chart?.metadata?.name ?? '',
    chartVersion: json.chart?.metadata?.version ?? '',
    appVersion: json.chart?.metadata?.appVersion ?? '',
    description: json.info?.description ?? '',
    updated: json.info?.last_deployed ?? '',
    manifest: json.manifest ?? '',
    values: json.config ?? {},
  };
}

/** Every stored revision of a release, oldest first (empty when it does not exist). */
export async function releaseHistory(kc: KubeConfig, namespace: string, name: string): Promise<HelmRelease[]> {
  const list = await kc.makeApiClient(CoreV1Api).listNamespacedSecret({ namespace, labelSelector: `owner=helm,name=${name}` });
  return list.items
    .map((secret) => (secret.data?.release ? decodeRelease(secret.data.release) : undefined))
    .filter((r): r is HelmRelease => r !== undefined)
    .sort((a, b) => a.revision - b.revision);
}

/**
 * The latest revision's number and status, from the labels helm puts on its release Secrets (no
 * decoding): what a GET needs to notice a release changed or removed outside this API.
 */
export async function latestReleaseStatus(kc: KubeConfig, namespace: string, name: string): Promise<{ revision: number; status: string } | undefined> {
  const list = await kc.makeApiClient(CoreV1Api).listNamespacedSecret({ namespace, labelSelector: `owner=helm,name=${name}` });
  return list.items
    .map((secret) => ({ revision: Number(secret.metadata?.labels?.version ?? 0), status: secret.metadata?.labels?.status ?? 'unknown' }))
    .sort((a, b) => b.revision - a.revision)[0];
}

/** The objects a manifest declares: kind, name and namespace (the release's when the manifest has none). */
export function manifestObjects(manifest: string, namespace: string): { kind: string; name: string; namespace: string }[] {
  const out: { kind: string; name: string; namespace: string }[] = [];
  for (const doc of parseAllDocuments(manifest)) {
    const o = doc.toJS() as KubeObject | null;
    if (!o?.kind || !o.metadata?.name) continue;
    if (o.kind === 'List' && Array.isArray((o as { items?: unknown[] }).items)) continue;
    out.push({ kind: o.kind, name: o.metadata.name, namespace: o.metadata.namespace ?? namespace });
  }
  return out;
}

const WATCHED = ['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'Pod', 'PersistentVolumeClaim', 'Service'] as const;

/** Plain JSON of a typed client-node object (dates as strings), so the readiness rules see what the API sent. */
const plain = <T>(value: T): KubeObject => JSON.parse(JSON.stringify(value)) as KubeObject;

/**
 * The live objects of a release's manifest that readiness looks at, and the pods of the namespace.
 * A declared object that is missing is returned as a stub with `status.missing`; one of a kind with
 * no readiness (a ConfigMap, a Secret) as a stub without status.
 */
export async function readReleaseObjects(kc: KubeConfig, namespace: string, manifest: string): Promise<{ objects: KubeObject[]; pods: KubeObject[] }> {
  const all = manifestObjects(manifest, namespace);
  const declared = all.filter((o) => (WATCHED as readonly string[]).includes(o.kind));
  const kinds = new Set(declared.map((o) => o.kind));
  const core = kc.makeApiClient(CoreV1Api);
  const apps = kc.makeApiClient(AppsV1Api);
  const batch = kc.makeApiClient(BatchV1Api);
  const withKind = (kind: string, items: unknown[]) => items.map((item) => ({ ...plain(item), kind }));
  const [deployments, statefulsets, daemonsets, jobs, pvcs, services, pods] = await Promise.all([
    kinds.has('Deployment') ? apps.listNamespacedDeployment({ namespace }).then((l) => withKind('Deployment', l.items)) : [],
    kinds.has('StatefulSet') ? apps.listNamespacedStatefulSet({ namespace }).then((l) => withKind('StatefulSet', l.items)) : [],
    kinds.has('DaemonSet') ? apps.listNamespacedDaemonSet({ namespace }).then((l) => withKind('DaemonSet', l.items)) : [],
    kinds.has('Job') ? batch.listNamespacedJob({ namespace }).then((l) => withKind('Job', l.items)) : [],
    kinds.has('PersistentVolumeClaim') ? core.listNamespacedPersistentVolumeClaim({ namespace }).then((l) => withKind('PersistentVolumeClaim', l.items)) : [],
    kinds.has('Service') ? core.listNamespacedService({ namespace }).then((l) => withKind('Service', l.items)) : [],
    core.listNamespacedPod({ namespace }).then((l) => withKind('Pod', l.items)),
  ]);
  const live = [...deployments, ...statefulsets, ...daemonsets, ...jobs, ...pvcs, ...services, ...pods];
  // Kinds with no readiness of their own (ConfigMaps, Secrets, RBAC…) are listed as declared, not read.
  const objects = all.map((d) =>
    !(WATCHED as readonly string[]).includes(d.kind)
      ? { kind: d.kind, metadata: { name: d.name, namespace: d.namespace } }
      : (live.find((o) => o.kind === d.kind && o.metadata?.name === d.name && (o.metadata?.namespace ?? namespace) === d.namespace) ?? {
          kind: d.kind,
          metadata: { name: d.name, namespace: d.namespace },
          status: { missing: true },
        }),
  );
  return { objects, pods };
}

/** The pods a workload's `spec.selector.matchLabels` (or a Job's `controller-uid`) selects. */
export function podsOf(workload: KubeObject, pods: readonly KubeObject[]): KubeObject[] {
  const selector = (workload.spec?.selector as { matchLabels?: Record<string, string> } | undefined)?.matchLabels;
  if (!selector || Object.keys(selector).length === 0) return [];
  return pods.filter((pod) => Object.entries(selector).every(([k, v]) => pod.metadata?.labels?.[k] === v));
}

/** The pods of an app, found the cheap way: one list by the instance label every chart of ours sets. */
export async function releasePods(kc: KubeConfig, namespace: string, release: string): Promise<KubeObject[]> {
  const list = await kc.makeApiClient(CoreV1Api).listNamespacedPod({ namespace, labelSelector: `app.kubernetes.io/instance=${release}` });
  return list.items.map((pod) => ({ ...plain(pod), kind: 'Pod' }));
}
