/** TEMPORARY (replaced by the catalog branch): podinfo only, in code. */
export type CatalogEntry = {
  app_name: string;
  version: string;
  official: boolean;
  trade_mark: string;
  image_url: string;
  title: { 'zh-CN': string; 'en-US': string };
  description: { 'zh-CN': string; 'en-US': string };
  chart: { repo: string; chart: string; version: string };
  values: Record<string, unknown>;
  service: string;
  port: number;
  admin_path: string;
  resources: { cpu: string; memory: string; storage: string };
  credentials: { user_name: string; user_value?: string; password_value: string };
  running: { description: string };
};
const podinfo = (version: string): CatalogEntry => ({
  app_name: 'podinfo',
  version,
  official: true,
  trade_mark: 'podinfo',
  image_url: '/local/charts/podinfo.svg',
  title: { 'zh-CN': 'podinfo', 'en-US': 'podinfo' },
  description: { 'zh-CN': '', 'en-US': '' },
  chart: { repo: 'myrepo', chart: 'podinfo', version },
  values: {},
  service: '{release}',
  port: 9898,
  admin_path: '/admin',
  resources: { cpu: '10m', memory: '32Mi', storage: '0' },
  credentials: { user_name: 'admin', password_value: 'adminPassword' },
  running: { description: 'every pod Ready' },
});
export async function getCatalogEntry(appName: string, version: string): Promise<CatalogEntry | undefined> {
  return appName === 'podinfo' && ['6.5.4', '6.5.5'].includes(version) ? podinfo(version) : undefined;
}
