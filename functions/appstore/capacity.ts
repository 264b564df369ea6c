import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoreV1Api } from '@kubernetes/client-node';
import type { KubeConfig } from '@kubernetes/client-node';
import { parseAllDocuments } from 'yaml';
import { chartSource } from '../helm/chart-source.js';
import { runHelm } from '../helm/helm-cli.js';
import { listAll } from '#functions/helm/cluster-reads.js';
import type { CatalogEntry } from './catalog-schemas.js';
import type { ClusterFree, Requirements, Shortage } from './capacity-sums.js';
import { freeOf, requirementsOf, shortageMessage, shortagesOf, withStated } from './capacity-sums.js';
import { RequirementNotEnoughError } from './errors.js';

/**
 * The app store's capacity check (docs/app-store.md, "Capacity check"): before anything is
 * created, the chart is rendered with the app's values by the real helm, its pod requests summed,
 * and the sums compared with the cluster's free allocatable cpu, memory and storage.
 */
export type { Shortage } from './capacity-sums.js';

const TEMPLATE_TIMEOUT_MS = 60_000;
const PAGE = 500;

/**
 * What the app needs: the chart rendered (`helm template`) with `values` as release `release` in
 * `namespace`, its pod requests summed (DaemonSets once per node of `nodes`), and the catalog's
 * stated `resources` as a floor. `kubeconfig` is the path helm is given.
 */
export async function appRequirements(
  entry: CatalogEntry,
  values: Record<string, unknown>,
  kubeconfig: string,
  options: { release?: string; namespace?: string; nodes?: number } = {},
): Promise<Requirements> {
  const release = options.release ?? entry.app_name;
  const source = await chartSource(entry.chart.repo, entry.chart.chart, entry.chart.version);
  const dir = mkdtempSync(join(tmpdir(), 'appstore-values-'));
  try {
    // JSON is YAML: helm reads the values file as given, passwords included, and it never reaches a log.
    const file = join(dir, 'values.json');
    writeFileSync(file, JSON.stringify(values), { mode: 0o600 });
    const out = await runHelm(['template', release, source.ref, ...source.args, '--namespace', options.namespace ?? `app-${release}`, '--values', file], {
      kubeconfig,
      secretArgs: source.secretArgs,
      timeoutMs: TEMPLATE_TIMEOUT_MS,
    });
    const rendered = parseAllDocuments(out).map((doc) => doc.toJS() as unknown);
    return withStated(requirementsOf(rendered, options.nodes ?? 1), entry.resources);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The cluster's free capacity now: nodes' allocatable minus the requests of unfinished pods bound to
 * them; storage is `storageBudgetBytes` (default: the nodes' ephemeral-storage) minus every claim.
 * `ownNamespace`: the app's namespace when it is upgraded, whose pods and claims it may reuse.
 */
export async function clusterFree(kc: KubeConfig, options: { storageBudgetBytes?: number; ownNamespace?: string } = {}): Promise<ClusterFree> {
  const core = kc.makeApiClient(CoreV1Api);
  const [nodes, pods, claims] = await Promise.all([
    listAll((cont) => core.listNode({ limit: PAGE, _continue: cont })),
    listAll((cont) => core.listPodForAllNamespaces({ limit: PAGE, _continue: cont })),
    listAll((cont) => core.listPersistentVolumeClaimForAllNamespaces({ limit: PAGE, _continue: cont })),
  ]);
  return freeOf(nodes, pods, claims, {
    ...(options.storageBudgetBytes !== undefined ? { storageBudget: options.storageBudgetBytes } : {}),
    ...(options.ownNamespace ? { ownNamespace: options.ownNamespace } : {}),
  });
}

export type CapacityCheck = Readonly<{
  required: Requirements;
  free: ClusterFree;
  /** Empty when the app fits. */
  shortages: Shortage[];
  /** Why it does not fit, in both languages (empty strings when it fits). */
  message: Record<'zh-CN' | 'en-US', string>;
}>;

export type CheckOptions = Readonly<{
  /** @default the entry's app_name */
  release?: string;
  /** @default app-<release> */
  namespace?: string;
  /** Free storage before claims. @default the nodes' allocatable ephemeral-storage */
  storageBudgetBytes?: number;
  /** The app is already installed in `namespace` and is being upgraded: its own pods and claims count as free. @default false */
  upgrade?: boolean;
}>;

/** Renders the app, reads the cluster, and answers what is short (nothing when it fits). */
export async function checkCapacity(
  entry: CatalogEntry,
  values: Record<string, unknown>,
  cluster: { kc: KubeConfig; kubeconfig: string },
  options: CheckOptions = {},
): Promise<CapacityCheck> {
  const free = await clusterFree(cluster.kc, {
    ...options,
    ...(options.upgrade ? { ownNamespace: options.namespace ?? `app-${options.release ?? entry.app_name}` } : {}),
  });
  const required = await appRequirements(entry, values, cluster.kubeconfig, { ...options, nodes: free.nodes });
  const shortages = shortagesOf(required, free);
  return { required, free, shortages, message: shortageMessage(shortages) };
}

/** `checkCapacity`, refusing with `Requirement.NotEnough` in `language` (the shortages as details) when the app does not fit. */
export async function requireCapacity(
  entry: CatalogEntry,
  values: Record<string, unknown>,
  cluster: { kc: KubeConfig; kubeconfig: string },
  language: 'zh-CN' | 'en-US',
  options: CheckOptions = {},
): Promise<CapacityCheck> {
  const check = await checkCapacity(entry, values, cluster, options);
  if (check.shortages.length > 0) throw new RequirementNotEnoughError(check.message[language], { shortages: check.shortages });
  return check;
}
