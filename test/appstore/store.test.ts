import { CoreV1Api } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HelmRuntime } from '../helm/helpers.js';
import { startHelmRuntime } from '../helm/helpers.js';

let rt: HelmRuntime;
let viewer = '';
beforeAll(async () => {
  rt = await startHelmRuntime();
  viewer = (await rt.call('POST', '/admin/users', { body: { name: 'store-viewer', role: 'viewer' } })).body.data.token;
}, 120_000);
afterAll(async () => rt?.stop());

const headers = (language = 'en-US') => ({ Version: '1.0', Language: language });
const store = (path: string, body?: Record<string, unknown>, options: { language?: string; token?: string } = {}) =>
  rt.call('POST', path, { body: body ?? {}, headers: headers(options.language), ...(options.token ? { token: options.token } : {}) });
const statusOf = async (appId: string) => (await store('/AppStatus', { app_id: appId })).body.ResponseData;

/** Polls AppStatus, keeping every status code seen, until `done` accepts one. */
async function follow(appId: string, done: (code: string) => boolean, timeoutMs = 30_000): Promise<{ codes: string[]; last: Record<string, any> }> {
  const codes: string[] = [];
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const last = await statusOf(appId);
    if (codes.at(-1) !== last.status_code) codes.push(last.status_code);
    if (done(last.status_code)) return { codes, last };
    if (Date.now() > deadline) throw new Error(`status of ${appId} stayed ${JSON.stringify(last)}; seen ${codes.join(' → ')}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('AppInstall → AppStatus → AppList', () => {
  it('installs podinfo and reports the phases from the live pods until 30 running', async () => {
    const installed = await store('/AppInstall', { app_name: 'podinfo', customer_app_name: 'web1', app_version: '6.5.4' });
    expect(installed.status).toBe(200);
    expect(installed.body).toEqual({ ResponseData: { app_id: 'web1' } });
    const { codes, last } = await follow('web1', (code) => code === '30' || code === '50');
    expect(last).toMatchObject({
      app_id: 'web1',
      customer_name: 'web1',
      status_code: '30',
      status: 'running',
      official_app: true,
      trade_mark: expect.any(String),
      image_url: expect.any(String),
    });
    expect(codes.at(-1)).toBe('30');
    expect(codes.some((code) => ['00', '10', '11', '12'].includes(code))).toBe(true);
  });

  it('lists the app with running_info and the password for an operator or admin only', async () => {
    const list = await store('/AppList', {});
    if (!Array.isArray(list.body.ResponseData)) throw new Error(list.text);
    const row = list.body.ResponseData.find((r: { app_id: string }) => r.app_id === 'web1');
    expect(row.running_info).toMatchObject({
      port: 9898,
      compose_file: 'helm release app-web1/web1, chart myrepo/podinfo 6.5.4',
      url: 'http://web1.app-web1.svc.cluster.local:9898',
      admin_url: 'http://web1.app-web1.svc.cluster.local:9898/',
      user_name: 'admin',
    });
    expect(row.running_info.password).toMatch(/^[A-Za-z0-9]{20}$/);
    const secret = await (await rt.kube()).makeApiClient(CoreV1Api).readNamespacedSecret({ name: 'web1', namespace: 'app-web1' });
    expect(Buffer.from(secret.data?.['admin-password'] ?? '', 'base64').toString()).toBe(row.running_info.password);
    const asViewer = await rt.call('GET', '/AppList?app_name=podinfo', { headers: headers(), token: viewer });
    expect(asViewer.body.ResponseData[0].running_info.password).toBe('');
  });

  it('answers Repeat for a second install of an installed name', async () => {
    const again = await store('/AppInstall', { app_name: 'podinfo', customer_app_name: 'web1', app_version: '6.5.4' });
    expect(again.status).toBe(404);
    expect(again.body.ResponseData.Error.Code).toBe('Param.CustomerAppName.Repeat');
  });

  it('answers Wait for a second install while the first is still going', async () => {
    await store('/AppInstall', { app_name: 'podinfo', customer_app_name: 'web2', app_version: '6.5.4' });
    const again = await store('/AppInstall', { app_name: 'podinfo', customer_app_name: 'web2', app_version: '6.5.4' });
    expect(again.body.ResponseData.Error.Code).toBe('Param.CustomerAppName.Wait');
    await follow('web2', (code) => code === '30');
  });
});

describe('the lifecycle beyond the document', () => {
  it('stops (40) and starts (30) an app', async () => {
    expect((await store('/AppStop', { app_id: 'web2' })).body.ResponseData).toEqual({ app_id: 'web2', operation: 'stop' });
    const { last } = await follow('web2', (code) => code === '40', 30_000);
    expect(last.status_reason).toMatch(/scal(ed|ing) to zero/);
    const deadline = Date.now() + 30_000;
    while ((await statusOf('web2')).status_reason !== 'stopped: scaled to zero, data kept') {
      if (Date.now() > deadline) throw new Error('web2 did not finish stopping');
      await new Promise((r) => setTimeout(r, 50));
    }
    expect((await store('/AppStart', { app_id: 'web2' })).body.ResponseData).toEqual({ app_id: 'web2', operation: 'start' });
    await follow('web2', (code) => code === '30');
  });

  it('upgrades to another catalog version and keeps the password', async () => {
    const before = (await store('/AppList', {})).body.ResponseData.find((r: { app_id: string }) => r.app_id === 'web1').running_info.password;
    await store('/AppUpgrade', { app_id: 'web1', app_version: '6.5.5' });
    const { last } = await follow('web1', (code) => code === '30' && true, 30_000);
    expect(last.app_version).toBe('6.5.5');
    const after = (await store('/AppList', {})).body.ResponseData.find((r: { app_id: string }) => r.app_id === 'web1').running_info;
    expect(after.password).toBe(before);
    expect(after.compose_file).toBe('helm release app-web1/web1, chart myrepo/podinfo 6.5.5');
  });

  it('returns the recent logs of the containers', async () => {
    const logs = await store('/AppLogs', { app_id: 'web1', lines: 10 });
    expect(logs.body.ResponseData[0]).toMatchObject({ container: 'podinfo', lines: expect.any(Array) });
  });

  it('cancels an install that is still going, and removes what it created', async () => {
    await store('/AppInstall', { app_name: 'podinfo', customer_app_name: 'web3', app_version: '6.5.4' });
    const cancelled = await store('/AppCancel', { app_id: 'web3' });
    expect(cancelled.body.ResponseData).toEqual({ app_id: 'web3', operation: 'cancel' });
    const deadline = Date.now() + 30_000;
    while ((await store('/AppStatus', { app_id: 'web3' })).body.ResponseData.Error?.Code !== 'APP.NotExis') {
      if (Date.now() > deadline) throw new Error('web3 was not removed after its cancel');
      await new Promise((r) => setTimeout(r, 50));
    }
    expect((await store('/AppCancel', { app_id: 'web1' })).body.ResponseData.Error.Code).toBe('APP.NotCancelable');
  });

  it('uninstalls without keeping data: the namespace goes too', async () => {
    expect((await store('/AppUninstall', { app_id: 'web2' })).body.ResponseData.Error.Code).toBe('Param.KeepData.Blank');
    await store('/AppUninstall', { app_id: 'web2', keep_data: false });
    const core = (await rt.kube()).makeApiClient(CoreV1Api);
    const deadline = Date.now() + 30_000;
    for (;;) {
      const gone = await core.readNamespace({ name: 'app-web2' }).then(
        () => false,
        () => true,
      );
      if (gone && (await store('/AppStatus', { app_id: 'web2' })).body.ResponseData.Error?.Code === 'APP.NotExis') break;
      if (Date.now() > deadline) throw new Error('app-web2 is still there');
      await new Promise((r) => setTimeout(r, 50));
    }
  });
});

describe('the document codes', () => {
  const install = (body: Record<string, unknown>, language?: string) => store('/AppInstall', body, language ? { language } : {});
  it.each([
    [{ customer_app_name: 'x1', app_version: '6.5.4' }, 'Param.App_name.Blank', 'APP名称为空'],
    [{ app_name: 'podinfo', app_version: '6.5.4' }, 'Param.CustomerAppName.Blank', '用户自定义APP名称为空'],
    [{ app_name: 'podinfo', customer_app_name: 'Web_1', app_version: '6.5.4' }, 'Param.CustomerAppName.FormatError', '查询的APP_ID只能是数字和小写字母组成'],
    [{ app_name: 'nothing', customer_app_name: 'x2', app_version: '1.0' }, 'Param.CustomerAppName.NotExis', '不支持安装指定的App'],
    [{ app_name: 'podinfo', customer_app_name: 'x3', app_version: '9.9.9' }, 'Param.CustomerAppName.NotExis', '不支持安装指定的App'],
  ])('AppInstall %j → %s, in Chinese', async (body, code, message) => {
    const reply = await install(body, 'zh-CN');
    expect(reply.status).toBe(404);
    expect(reply.body.ResponseData.Error.Code).toBe(code);
    expect(reply.body.ResponseData.Error.Message).toContain(message);
  });

  it('answers in English with Language en-US', async () => {
    const reply = await install({ customer_app_name: 'x1', app_version: '6.5.4' }, 'en-US');
    expect(reply.body.ResponseData.Error).toEqual({ Code: 'Param.App_name.Blank', Message: 'app_name is empty' });
  });

  it.each([
    [{}, 'Param.APP_ID.Blank'],
    [{ app_id: 'Bad-Id' }, 'Param.APP_ID.FormatError'],
    [{ app_id: 'nosuchapp' }, 'APP.NotExis'],
  ])('AppStatus %j → %s', async (body, code) => {
    const reply = await store('/AppStatus', body);
    expect(reply.status).toBe(404);
    expect(reply.body.ResponseData.Error.Code).toBe(code);
  });

  it('takes AppStatus as GET with a query string too', async () => {
    const reply = await rt.call('GET', '/AppStatus?app_id=web1', { headers: headers() });
    expect(reply.body.ResponseData.app_id).toBe('web1');
  });

  it('refuses a missing or unknown Version or Language in the document envelope', async () => {
    const call = (h: Record<string, string>) => rt.call('POST', '/AppList', { body: {}, headers: h });
    expect((await call({ Language: 'en-US' })).body.ResponseData.Error.Code).toBe('Param.Version.Blank');
    expect((await call({ Language: 'en-US', Version: '9' })).body.ResponseData.Error.Code).toBe('Param.Version.Unsupported');
    expect((await call({ Version: '1.0' })).body.ResponseData.Error.Code).toBe('Param.Language.Blank');
    const unknown = await call({ Version: '1.0', Language: 'fr-FR' });
    expect(unknown.status).toBe(404);
    expect(unknown.body.ResponseData.Error.Code).toBe('Param.Language.Unsupported');
  });

  it('refuses a viewer install (403 in the document envelope, HTTP 404)', async () => {
    const reply = await store('/AppInstall', { app_name: 'podinfo', customer_app_name: 'x9', app_version: '6.5.4' }, { token: viewer });
    expect(reply.status).toBe(404);
    expect(reply.body.ResponseData.Error.Code).toBe('AuthFailure.Forbidden');
  });
});
