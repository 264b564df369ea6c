import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import kvcacheSeed from '../../functions/appstore/catalog/kvcache.json' with { type: 'json' };
import type { TestRuntime } from '../helpers/runtime.js';
import { startTestRuntime } from '../helpers/runtime.js';

const HEADERS = { Version: '1.0', Language: 'en-US' };

let rt: TestRuntime;
let viewerToken: string;
let operatorToken: string;
/** Imported after the runtime has set the environment the functions' config module reads. */
let seedCatalog: () => Promise<{ written: string[]; kept: string[] }>;

beforeAll(async () => {
  rt = await startTestRuntime();
  ({ seedCatalog } = await import('../../functions/appstore/catalog.js'));
  const token = async (role: string) => {
    const created = await rt.call('POST', '/admin/users', { body: { name: `catalog-${role}`, role } });
    expect(created.status).toBe(201);
    return created.body.data.token as string;
  };
  viewerToken = await token('viewer');
  operatorToken = await token('operator');
});
afterAll(async () => rt?.close());

const list = (query = '', options: { token?: string; headers?: Record<string, string> } = {}) =>
  rt.call('GET', `/AppCatalogList${query}`, { headers: HEADERS, ...options });

const kvcache = () => structuredClone(kvcacheSeed[0]!);

describe('the catalog seeded at start', () => {
  it('lists podinfo 6.5.4 and 6.5.5, minidb 1.0.0 and kvcache 1.0.0 from the seed files', async () => {
    const reply = await list();
    expect(reply.status).toBe(200);
    const names = (reply.body.ResponseData as { app_name: string; version: string; source: string }[]).map((e) => `${e.app_name}@${e.version}`);
    expect(names).toEqual(['kvcache@1.0.0', 'minidb@1.0.0', 'podinfo@6.5.4', 'podinfo@6.5.5']);
    expect(reply.body.ResponseData.every((e: { source: string }) => e.source === 'seed')).toBe(true);
  });

  it("lists one app's versions with app_name", async () => {
    const reply = await list('?app_name=podinfo');
    expect(reply.body.ResponseData.map((e: { version: string }) => e.version)).toEqual(['6.5.4', '6.5.5']);
    expect(reply.body.ResponseData[0]).toMatchObject({
      chart: { repo: 'myrepo', chart: 'podinfo', version: '6.5.4' },
      credentials: { password_value: 'adminPassword' },
    });
  });
});

describe('POST /AppCatalogSave and /AppCatalogDelete', () => {
  it('adds a new version, replaces it, and an admin edit survives seeding again', async () => {
    const entry = { ...kvcache(), version: '1.0.1', title: { 'zh-CN': '缓存', 'en-US': 'Cache' } };
    const added = await rt.call('POST', '/AppCatalogSave', { headers: HEADERS, body: entry });
    expect(added.status).toBe(200);
    expect(added.body.ResponseData).toMatchObject({ app_name: 'kvcache', version: '1.0.1', source: 'admin' });

    const edited = { ...kvcache(), port: 6380 };
    expect((await rt.call('POST', '/AppCatalogSave', { headers: HEADERS, body: edited })).status).toBe(200);
    const seeded = await seedCatalog();
    expect(seeded.written).toEqual([]);
    const versions = (await list('?app_name=kvcache')).body.ResponseData as { version: string; port: number; source: string }[];
    expect(versions.map((v) => [v.version, v.port, v.source])).toEqual([
      ['1.0.0', 6380, 'admin'],
      ['1.0.1', 6379, 'admin'],
    ]);
  });

  it('deletes a version and answers what it deleted; a second delete is Catalog.NotExis (HTTP 404)', async () => {
    const body = { app_name: 'kvcache', app_version: '1.0.1' };
    const deleted = await rt.call('POST', '/AppCatalogDelete', { headers: HEADERS, body });
    expect(deleted.status).toBe(200);
    expect(deleted.body.ResponseData).toMatchObject({ app_name: 'kvcache', version: '1.0.1' });
    const again = await rt.call('POST', '/AppCatalogDelete', { headers: HEADERS, body });
    expect(again.status).toBe(404);
    expect(again.body.ResponseData.Error.Code).toBe('Catalog.NotExis');
  });

  it('brings a deleted seed entry back at the next seeding', async () => {
    await rt.call('POST', '/AppCatalogDelete', { headers: HEADERS, body: { app_name: 'minidb', app_version: '1.0.0' } });
    expect((await list('?app_name=minidb')).body.ResponseData).toEqual([]);
    expect((await seedCatalog()).written).toEqual(['minidb@1.0.0']);
    expect((await list('?app_name=minidb')).body.ResponseData).toHaveLength(1);
  });

  it('refuses an invalid entry in the app-store envelope, naming the field', async () => {
    const bad = { ...kvcache(), resources: { cpu: 'lots', memory: '1Gi', storage: '0' } };
    const reply = await rt.call('POST', '/AppCatalogSave', { headers: HEADERS, body: bad });
    expect(reply.status).toBe(404);
    expect(reply.body.ResponseData.Error.Code).toBe('Param.Invalid');
    expect(reply.body.ResponseData.Error.Message).toMatch(/resources\.cpu|quantity/);
    const noName = await rt.call('POST', '/AppCatalogSave', { headers: HEADERS, body: { ...kvcache(), app_name: 'Not A Name' } });
    expect(noName.body.ResponseData.Error.Code).toBe('Param.Invalid');
  });
});

describe('headers and roles', () => {
  it('needs the Version and Language headers', async () => {
    expect((await list('', { headers: { Language: 'en-US' } })).body.ResponseData.Error.Code).toBe('Param.Version.Blank');
    expect((await list('', { headers: { Version: '1.0' } })).body.ResponseData.Error.Code).toBe('Param.Language.Blank');
    expect((await list('', { headers: { Version: '1.0', Language: 'fr-FR' } })).body.ResponseData.Error.Code).toBe('Param.Language.Unsupported');
    expect((await list('', { headers: { Version: '9.9', Language: 'zh-CN' } })).body.ResponseData.Error.Code).toBe('Param.Version.Unsupported');
  });

  it('is for admins only: operator and viewer tokens get AuthFailure.Forbidden, no token AuthFailure.TokenFailure', async () => {
    for (const token of [viewerToken, operatorToken]) {
      const reply = await list('', { token });
      expect(reply.status).toBe(404);
      expect(reply.body.ResponseData.Error.Code).toBe('AuthFailure.Forbidden');
      const save = await rt.call('POST', '/AppCatalogSave', { token, headers: HEADERS, body: kvcache() });
      expect(save.body.ResponseData.Error.Code).toBe('AuthFailure.Forbidden');
    }
    expect((await rt.call('GET', '/AppCatalogList', { token: null, headers: HEADERS })).body.ResponseData.Error.Code).toBe('AuthFailure.TokenFailure');
  });
});
