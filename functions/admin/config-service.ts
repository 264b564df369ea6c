import { randomBytes } from 'node:crypto';
import { checkKubeconfig } from '#functions/helm/kubeconfig-text.js';
import type { NumericSettingName } from '#functions/helm/settings.js';
import { CLUSTERS_DESCRIPTION, forgetSettings, MAX_CLUSTERS, NUMERIC_SETTING_NAMES, NUMERIC_SETTINGS, resolveSettings } from '#functions/helm/settings.js';
import type { SettingsItem, StoredCluster } from '#functions/helm/settings-store.js';
import { readSettingsItem, writeSettingsItem } from '#functions/helm/settings-store.js';
import { config } from '#shared/config.js';
import { ConflictError, ValidationError } from '#shared/errors.js';
import { logger } from '#shared/observability.js';
import { CLUSTER_SECRETS_PATH } from '#shared/secret-names.js';
import { deleteSecret, putSecret } from '#shared/secrets.js';
import type { ClusterInput, ConfigView, UpdateConfigBody } from './config-schemas.js';

/** How often a PUT without `version` re-reads and re-merges after losing a race before it answers 409. */
const WRITE_ATTEMPTS = 5;

function clusterView(cluster: StoredCluster): ConfigView['settings']['clusters']['value'][number] {
  if (cluster.type === 'eks')
    return { id: cluster.id, type: 'eks', eksClusterName: cluster.eksClusterName, region: cluster.region ?? config.region, updated_at: cluster.updated_at };
  return { id: cluster.id, type: 'kubeconfig', server: cluster.server, updated_at: cluster.updated_at };
}

/** The settings as `GET /admin/config` shows them: each with its value, default, bounds and meaning; no secret. */
export function configView(item: SettingsItem | undefined): ConfigView {
  const settings = resolveSettings(item);
  const numeric = (name: NumericSettingName) => ({
    value: settings[name],
    ...NUMERIC_SETTINGS[name],
    is_default: item?.overrides[name] === undefined,
  });
  return {
    version: item?.version ?? 0,
    updated_at: item?.updated_at ?? null,
    updated_by: item?.updated_by ?? null,
    settings: {
      defaultTimeoutSeconds: numeric('defaultTimeoutSeconds'),
      pollSeconds: numeric('pollSeconds'),
      imagePullGraceSeconds: numeric('imagePullGraceSeconds'),
      readyStableSeconds: numeric('readyStableSeconds'),
      clusters: {
        value: settings.clusters.map(clusterView),
        default: [],
        is_default: settings.clusters.length === 0,
        max_items: MAX_CLUSTERS,
        description: CLUSTERS_DESCRIPTION,
      },
    },
    default_cluster: config.kubeconfig
      ? { id: 'default', source: 'kubeconfig' }
      : config.eksClusterName
        ? { id: 'default', source: 'eks', eksClusterName: config.eksClusterName }
        : { id: 'default', source: 'none' },
  };
}

export async function describeConfig(): Promise<ConfigView> {
  return configView(await readSettingsItem());
}

/** Checks every uploaded kubeconfig before anything is written; 400 naming the cluster's field. */
function checkUploads(clusters: readonly ClusterInput[]): Map<string, { text: string; server: string }> {
  const uploads = new Map<string, { text: string; server: string }>();
  clusters.forEach((cluster, i) => {
    if (cluster.kubeconfig === undefined) return;
    const checked = checkKubeconfig(cluster.kubeconfig);
    if ('problem' in checked)
      throw new ValidationError(`invalid body field "clusters.${i}.kubeconfig": ${checked.problem}`, { field: `clusters.${i}.kubeconfig` });
    uploads.set(cluster.id, { text: cluster.kubeconfig, server: checked.server });
  });
  return uploads;
}

/** The registered list a PUT asks for, built on the stored one (`{id}` alone keeps a cluster as registered). */
function mergeClusters(
  inputs: readonly ClusterInput[],
  current: readonly StoredCluster[],
  uploaded: ReadonlyMap<string, { secret: string; server: string }>,
  now: string,
): StoredCluster[] {
  return inputs.map((input, i) => {
    const upload = uploaded.get(input.id);
    if (upload) return { type: 'kubeconfig', id: input.id, server: upload.server, secret: upload.secret, updated_at: now };
    if (input.eksClusterName !== undefined) {
      const previous = current.find((c) => c.id === input.id);
      const same = previous?.type === 'eks' && previous.eksClusterName === input.eksClusterName && previous.region === input.region;
      return same
        ? previous
        : { type: 'eks', id: input.id, eksClusterName: input.eksClusterName, ...(input.region ? { region: input.region } : {}), updated_at: now };
    }
    const kept = current.find((c) => c.id === input.id);
    if (!kept)
      throw new ValidationError(`invalid body field "clusters.${i}": cluster "${input.id}" is not registered yet: give its eksClusterName or kubeconfig`, {
        field: `clusters.${i}`,
      });
    return kept;
  });
}

function mergeOverrides(body: UpdateConfigBody, current: Readonly<Record<string, number>>): Record<string, number> {
  const next: Record<string, number> = { ...current };
  for (const name of NUMERIC_SETTING_NAMES) {
    const value = body[name];
    if (value === null) delete next[name];
    else if (value !== undefined) next[name] = value;
  }
  return next;
}

const secretsOf = (clusters: readonly StoredCluster[]) => new Set(clusters.flatMap((c) => (c.type === 'kubeconfig' ? [c.secret] : [])));

/**
 * Applies a PUT: validates the kubeconfigs, stores each upload under a new secret name, then
 * writes the merged settings conditioned on the version read. A lost race is merged again on the
 * fresh settings (each field is the writer's own), up to a few times, unless the caller named the
 * `version` it wrote over, which makes it a 409. Secrets no longer referenced are deleted after the
 * write; the uploads of a write that did not happen are deleted too.
 */
export async function updateConfig(body: UpdateConfigBody, updatedBy: string): Promise<ConfigView> {
  const uploads = checkUploads(body.clusters ?? []);
  const stored = new Map<string, { secret: string; server: string }>();
  for (const [id, upload] of uploads) {
    const secret = `${CLUSTER_SECRETS_PATH}${id}/kubeconfig-${randomBytes(6).toString('hex')}`;
    await putSecret(secret, upload.text);
    stored.set(id, { secret, server: upload.server });
  }
  let written: { before: SettingsItem | undefined; after: SettingsItem } | undefined;
  try {
    for (let attempt = 1; !written; attempt += 1) {
      const before = await readSettingsItem();
      const version = before?.version ?? 0;
      if (body.version !== undefined && body.version !== version)
        throw new ConflictError(`the settings are at version ${version}, not ${body.version}: GET /admin/config and apply your change to what is there now`);
      const now = new Date().toISOString();
      const after: SettingsItem = {
        overrides: mergeOverrides(body, before?.overrides ?? {}),
        clusters: body.clusters ? mergeClusters(body.clusters, before?.clusters ?? [], stored, now) : (before?.clusters ?? []),
        version: version + 1,
        updated_at: now,
        updated_by: updatedBy,
      };
      if ((await writeSettingsItem(after, version)) === 'ok') written = { before, after };
      else if (body.version !== undefined || attempt >= WRITE_ATTEMPTS)
        throw new ConflictError('the settings were changed by another request at the same time; GET /admin/config and try again');
    }
  } catch (error) {
    await Promise.all([...stored.values()].map((s) => deleteSecret(s.secret).catch(() => undefined)));
    throw error;
  }
  forgetSettings();
  const keep = secretsOf(written.after.clusters);
  const orphaned = [...secretsOf(written.before?.clusters ?? [])].filter((s) => !keep.has(s));
  await Promise.all(
    orphaned.map((s) => deleteSecret(s).catch((error: unknown) => logger.warn('could not delete a replaced kubeconfig secret', { name: s, error }))),
  );
  logger.info('helm settings updated', {
    version: written.after.version,
    changed: Object.keys(body).filter((k) => k !== 'version'),
    clusters: written.after.clusters.map((c) => c.id),
  });
  return configView(written.after);
}
