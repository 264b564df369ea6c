import { config } from '#shared/config.js';
import { onContainerReset } from '#shared/container-state.js';
import type { SettingsItem, StoredCluster } from './settings-store.js';
import { readSettingsItem } from './settings-store.js';

/**
 * The Helm API's settings (`GET`/`PUT /admin/config`): numbers the workflows read, and the clusters
 * registered beside the default one. Read through `getSettings()`, cached a few seconds per
 * container; stored by `settings-store.ts`.
 */
export type HelmSettings = Readonly<{
  defaultTimeoutSeconds: number;
  pollSeconds: number;
  imagePullGraceSeconds: number;
  readyStableSeconds: number;
  clusters: readonly StoredCluster[];
}>;

/** A numeric setting: its default, bounds, and what it does (GET /admin/config shows all of it). */
export type NumericSetting = Readonly<{ default: number; min: number; max: number; description: string }>;

export const NUMERIC_SETTINGS = {
  defaultTimeoutSeconds: {
    default: 300,
    min: 10,
    max: 3600,
    description:
      'How long an install, upgrade or rollback may take to become ready when the request gives no timeout; the operation ends error when it passes (helm-proxy.md: 300 s).',
  },
  pollSeconds: {
    // 2 in AWS; the local runtime sets 1 (HELM_DEFAULT_POLL_SECONDS) so a laptop's operations finish sooner.
    default: config.helmDefaultPollSeconds,
    min: 1,
    max: 60,
    description: "How often the operation workflow re-checks the release's resources while it waits for them to become ready (its Wait state).",
  },
  imagePullGraceSeconds: {
    default: 10,
    min: 0,
    max: 600,
    description:
      'How long a pod may stay in ErrImagePull/ImagePullBackOff before the operation fails with that reason instead of waiting for its timeout (a typo in a tag does not heal).',
  },
  readyStableSeconds: {
    // 5 in AWS; the local runtime sets 1 (HELM_DEFAULT_READY_STABLE_SECONDS): the simulator's containers start in simulated time.
    default: config.helmDefaultReadyStableSeconds,
    min: 0,
    max: 300,
    description:
      'How long every ready pod of a release must have been running before an operation counts it ready: a container that crashes right after it starts is Ready for a moment (0 turns the check off).',
  },
} as const satisfies Record<string, NumericSetting>;

export type NumericSettingName = keyof typeof NUMERIC_SETTINGS;
export const NUMERIC_SETTING_NAMES = Object.keys(NUMERIC_SETTINGS) as NumericSettingName[];

export const CLUSTERS_DESCRIPTION =
  'Clusters registered beside the default one, selected by `clusterId` (`clusterId:projectId` in /v3 project ids, `?clusterId=` on /v1/monitor). ' +
  "Each is `{id, eksClusterName, region?}` (an EKS cluster this deployment may reach) or `{id, kubeconfig}` (a kubeconfig file's text; kept in the secrets store, never returned).";

/** At most this many registered clusters (the item stays small, and a list of clusters is one read). */
export const MAX_CLUSTERS = 20;

/** How long a container trusts what it read: a PUT reaches every container within this time. */
const CACHE_MS = 5000;

let cached: { settings: HelmSettings; item: SettingsItem | undefined; until: number } | undefined;
onContainerReset('helm settings cache', forgetSettings);

/** Settings with every numeric value resolved (override, else default). */
export function resolveSettings(item: SettingsItem | undefined): HelmSettings {
  const value = (name: NumericSettingName) => item?.overrides[name] ?? NUMERIC_SETTINGS[name].default;
  return {
    defaultTimeoutSeconds: value('defaultTimeoutSeconds'),
    pollSeconds: value('pollSeconds'),
    imagePullGraceSeconds: value('imagePullGraceSeconds'),
    readyStableSeconds: value('readyStableSeconds'),
    clusters: item?.clusters ?? [],
  };
}

/** The Helm settings, from the platform table, at most a few seconds old. */
export async function getSettings(): Promise<HelmSettings> {
  if (cached && cached.until > Date.now()) return cached.settings;
  const item = await readSettingsItem();
  const settings = resolveSettings(item);
  cached = { settings, item, until: Date.now() + CACHE_MS };
  return settings;
}

/** Makes the next `getSettings` read the table (after this container changed them). */
export function forgetSettings(): void {
  cached = undefined;
}
