import { CoreV1Api } from '@kubernetes/client-node';
import type { KubeConfig } from '@kubernetes/client-node';
import type { AppRecord } from '#functions/helm/store/records.js';
import type { Caller } from '#shared/auth.js';
import { getSecret } from '#shared/secrets.js';
import type { CatalogEntry } from './catalog.js';
import { serviceName } from './catalog.js';
import type { Language } from './messages.js';
import type { AppStatus } from './status.js';
import type { StoreApp } from './store.js';

/** The document's AppStatusInfo, and the reason behind the code as extra fields. */
export function statusInfo(record: StoreApp, app: AppRecord, status: AppStatus, entry: CatalogEntry | undefined, language: Language) {
  return {
    app_id: record.app_id,
    name: entry?.title[language] ?? record.app_name,
    customer_name: record.app_id,
    trade_mark: record.trade_mark,
    status_code: status.status_code,
    status: status.status,
    official_app: record.official,
    image_url: record.image_url,
    // Beyond the document: why the app is in this state, and what it runs.
    status_reason: status.reason,
    app_name: record.app_name,
    app_version: app.spec.version,
  };
}

/**
 * The address of the Service the catalog names for the app (`service`, with `{release}`): its load
 * balancer, a node port on a node, or its cluster DNS name; empty when that Service is missing.
 */
async function serviceUrl(kc: KubeConfig, app: AppRecord, entry: CatalogEntry): Promise<{ url: string; port: number }> {
  const core = kc.makeApiClient(CoreV1Api);
  const name = serviceName(entry, app.name);
  const service = await core.readNamespacedService({ name, namespace: app.namespace }).catch((error: unknown) => {
    if ((error as { code?: number }).code === 404) return undefined;
    throw error;
  });
  if (!service) return { url: '', port: entry.port };
  const port = service.spec?.ports?.find((p) => p.port === entry.port) ?? service.spec?.ports?.[0];
  const ingress = service.status?.loadBalancer?.ingress?.[0];
  if (service.spec?.type === 'LoadBalancer' && ingress)
    return { url: `http://${ingress.hostname ?? ingress.ip ?? ''}:${port?.port ?? entry.port}`, port: port?.port ?? entry.port };
  if ((service.spec?.type === 'NodePort' || service.spec?.type === 'LoadBalancer') && port?.nodePort) {
    const nodes = await core.listNode();
    const address = nodes.items[0]?.status?.addresses?.find((a) => a.type === 'InternalIP')?.address ?? '127.0.0.1';
    return { url: `http://${address}:${port.nodePort}`, port: port.nodePort };
  }
  return { url: `http://${name}.${app.namespace}.svc.cluster.local:${port?.port ?? entry.port}`, port: port?.port ?? entry.port };
}

/**
 * `running_info`, only while running: the address from the app's own Service (never a host port
 * shared with other apps), the release and chart, and the generated credentials — the password
 * only for `operator` and `admin` callers.
 */
export async function runningInfo(kc: KubeConfig, record: StoreApp, app: AppRecord, entry: CatalogEntry | undefined, caller: Caller | undefined) {
  if (!entry) return null;
  const { url, port } = await serviceUrl(kc, app, entry);
  const mayReveal = caller?.role === 'admin' || caller?.role === 'operator';
  const stored = mayReveal ? await getSecret(record.credentials) : undefined;
  const parsed = stored ? (JSON.parse(stored) as { password?: unknown }) : {};
  const password = typeof parsed.password === 'string' ? parsed.password : '';
  return {
    port,
    compose_file: `helm release ${app.namespace}/${app.name}, chart ${app.spec.repo}/${app.spec.chart} ${app.spec.version}`,
    url,
    admin_url: `${url}${entry.admin_path}`,
    user_name: record.user_name,
    password,
  };
}
