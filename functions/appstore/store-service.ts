import { randomBytes } from 'node:crypto';
import { CoreV1Api } from '@kubernetes/client-node';
import { cancelOperation, changeApp, installApp } from '#functions/helm/apps-service.js';
import { kubeConfigFor } from '#functions/helm/clusters.js';
import { releasePods } from '#functions/helm/release-objects.js';
import { getSettings } from '#functions/helm/settings.js';
import { getApp } from '#functions/helm/store/apps.js';
import type { AppRecord, AppSpec } from '#functions/helm/store/records.js';
import { HttpError } from '#shared/errors.js';
import { nowIso } from '#shared/ids.js';
import { putSecret } from '#shared/secrets.js';
import type { CatalogEntry } from './catalog.js';
import { entryValues, getCatalogEntry } from './catalog.js';
import { capacityShortage } from './capacity-check.js';
import type { Language } from './messages.js';
import { AppStoreError, systemError } from './messages.js';
import type { AppStatus } from './status.js';
import { appStatus } from './status.js';
import type { StoreApp } from './store.js';
import { claimStoreApp, getStoreApp } from './store.js';

/**
 * The app store on the Helm machinery: each app is a Helm app of the Helm API (cluster `default`,
 * project `appstore`, namespace `app-<app_id>`, release `<app_id>`), so every operation runs through
 * the helm-operation workflow and ends in a recorded state with the reason.
 */
export const STORE_PROJECT = 'appstore';
export const namespaceOf = (appId: string) => `app-${appId}`;
const refOf = (appId: string) => ({ cluster: 'default', namespace: namespaceOf(appId), name: appId });

/** What the helm layer refused, in the store's terms: the cluster refused (ContainerCommandError) or the store failed. */
export function storeError(error: unknown, language: Language): Error {
  if (error instanceof AppStoreError) return error;
  if (error instanceof HttpError && error.statusCode < 500)
    return new AppStoreError('ContainerCommandError', language, error.message, { status: error.statusCode });
  return systemError(language, error);
}

/** The spec of a catalog version for an app: its chart and default values, the credentials taken from the secrets store. */
export function specOf(entry: CatalogEntry, appId: string, credentials: string): AppSpec {
  return {
    repo: entry.chart.repo,
    chart: entry.chart.chart,
    version: entry.chart.version,
    answers: {},
    values_yaml: '',
    values: entryValues(entry, appId),
    secret_values: {
      [entry.credentials.password_value]: { secret: credentials, field: 'password' },
      ...(entry.credentials.user_value ? { [entry.credentials.user_value]: { secret: credentials, field: 'user_name' } } : {}),
    },
  };
}

/** A password of 20 letters and digits: strong, and safe in a URL, a shell and a YAML file. */
function generatePassword(): string {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';
  return [...randomBytes(20)].map((b) => alphabet[b % alphabet.length]).join('');
}

export type InstallRequest = Readonly<{ appName: string; appId: string; version: string; who: string; language: Language }>;

/**
 * Installs a catalog app: checks the name, the catalog, that the name is free (Repeat) and not in
 * flight (Wait), and the cluster's free capacity, before anything is created; then generates the
 * admin credentials into the secrets store and installs through the Helm API.
 */
export async function installStoreApp(request: InstallRequest): Promise<StoreApp> {
  const { appId, language } = request;
  const entry = await getCatalogEntry(request.appName, request.version);
  if (!entry) throw new AppStoreError('Param.CustomerAppName.NotExis', language, `${request.appName} ${request.version}`);
  const previous = await getStoreApp(appId);
  const helmApp = await getApp(refOf(appId));
  if (helmApp && helmApp.state !== 'removed') {
    throw new AppStoreError(helmApp.operation?.kind === 'install' ? 'Param.CustomerAppName.Wait' : 'Param.CustomerAppName.Repeat', language, appId);
  }
  const short = await capacityShortage(entry, appId, language).catch((error: unknown) => {
    throw storeError(error, language);
  });
  if (short) throw new AppStoreError('Requirement.NotEnough', language, short);
  const record: StoreApp = {
    app_id: appId,
    app_name: entry.app_name,
    version: entry.version,
    official: entry.official,
    trade_mark: entry.trade_mark,
    image_url: entry.image_url,
    user_name: entry.credentials.user_name,
    credentials: `appstore/${appId}`,
    created_at: nowIso(),
  };
  if (!(await claimStoreApp(record, previous))) throw new AppStoreError('Param.CustomerAppName.Wait', language, appId);
  await putSecret(record.credentials, JSON.stringify({ user_name: record.user_name, password: generatePassword() }));
  try {
    await installApp({
      scope: { cluster: 'default', project: STORE_PROJECT },
      namespace: namespaceOf(appId),
      name: appId,
      api: 'v3',
      spec: specOf(entry, appId, record.credentials),
      who: request.who,
    });
  } catch (error) {
    throw storeError(error, language);
  }
  return record;
}

/** The store app and its Helm app, or APP.NotExis. */
export async function requireStoreApp(appId: string, language: Language): Promise<{ record: StoreApp; app: AppRecord }> {
  const [record, app] = await Promise.all([getStoreApp(appId), getApp(refOf(appId))]);
  if (!record || !app || app.state === 'removed') throw new AppStoreError('APP.NotExis', language, appId);
  return { record, app };
}

/** The app's status from its operation, its pods and their events (two list calls in its namespace). */
export async function liveStatus(app: AppRecord): Promise<AppStatus> {
  const kc = await kubeConfigFor(app.cluster);
  const [pods, events, settings] = await Promise.all([
    releasePods(kc, app.namespace, app.name),
    kc
      .makeApiClient(CoreV1Api)
      .listNamespacedEvent({ namespace: app.namespace })
      .then((list) => list.items),
    getSettings(),
  ]);
  return appStatus(app, pods, events, { now: Date.now(), imagePullGraceSeconds: settings.imagePullGraceSeconds });
}

export type Change = 'stop' | 'start' | 'upgrade' | 'uninstall' | 'cancel';

/** Stop (scale to zero, data kept), start, upgrade (same credentials), uninstall (keeping the volumes or not), cancel. */
export async function changeStoreApp(
  appId: string,
  change: Change,
  options: { language: Language; who: string; version?: string; keepData?: boolean },
): Promise<StoreApp> {
  const { language, who } = options;
  const { record, app } = await requireStoreApp(appId, language);
  try {
    if (change === 'cancel') {
      if (app.operation?.kind !== 'install') throw new AppStoreError('APP.NotCancelable', language, appId);
      const cancelled = await cancelOperation(app, who);
      await changeApp(cancelled, { kind: 'delete', purge: true, who });
      return record;
    }
    if (app.operation) throw new AppStoreError('APP.Busy', language, `${app.operation.kind} since ${app.operation.started_at}`);
    if (change === 'stop') {
      if (app.paused) throw new AppStoreError('APP.AlreadyStopped', language, appId);
      await changeApp(app, { kind: 'pause', who });
    } else if (change === 'start') {
      if (!app.paused) throw new AppStoreError('APP.NotStopped', language, appId);
      await changeApp(app, { kind: 'resume', who });
    } else if (change === 'uninstall') {
      await changeApp(app, { kind: 'delete', purge: options.keepData === false, who });
    } else {
      const entry = await getCatalogEntry(record.app_name, options.version ?? '');
      if (!entry) throw new AppStoreError('Param.App_version.NotExis', language, `${record.app_name} ${options.version ?? ''}`);
      const short = await capacityShortage(entry, appId, language, true);
      if (short) throw new AppStoreError('Requirement.NotEnough', language, short);
      await changeApp(app, { kind: 'upgrade', spec: specOf(entry, appId, record.credentials), who });
    }
  } catch (error) {
    throw storeError(error, language);
  }
  return record;
}
