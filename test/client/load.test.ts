import { readdir, readFile, writeFile } from 'node:fs/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ConfigClient, ConfigStartError } from '../../client/src/index.js';
import type { TestRuntime } from '../helpers/runtime.js';
import { startTestRuntime } from '../helpers/runtime.js';
import { createNamespace } from '../kvconfig/helpers.js';
import { cacheFolder, clientOptions, configClientToken, publish, publishNamespace, removeCacheFolders, setItems, startProxy, until } from './helpers.js';
import type { TcpProxy } from './helpers.js';

let rt: TestRuntime;
let token: string;
let proxy: TcpProxy;
const clients: ConfigClient[] = [];

/** A client that the test's afterEach closes. */
function client(options: ConstructorParameters<typeof ConfigClient>[0]): ConfigClient {
  const created = new ConfigClient(options);
  clients.push(created);
  return created;
}

beforeAll(async () => {
  rt = await startTestRuntime();
  token = await configClientToken(rt, 'load-client');
  proxy = await startProxy(rt.url);
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  proxy.restore();
});
afterAll(async () => {
  await removeCacheFolders();
  await proxy?.close();
  await rt?.close();
});

describe('ConfigClient start', () => {
  it('loads every page of a namespace larger than one page', async () => {
    const items = Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`key.${String(i).padStart(2, '0')}`, `value ${i}`]));
    const { releaseKey } = await publishNamespace(rt, 'pro', 'paged', 'application', items);
    const c = client(clientOptions(rt.url, token, { env: 'PRO', appId: 'paged', pageSize: 4, push: false }));
    await c.start();
    expect(c.namespace('application').releaseKey).toBe(releaseKey);
    expect(c.namespace('application').source).toBe('server');
    expect(c.namespace('application').getAll()).toEqual(items);
    expect(c.getAll()).toEqual({ application: items });
  });

  it('starts again from page 1 when a release is published between two pages', async () => {
    const before = Object.fromEntries(Array.from({ length: 9 }, (_, i) => [`k${i}`, `old ${i}`]));
    const { p, releaseKey: first } = await publishNamespace(rt, 'pro', 'moving', 'application', before);
    const pages: { page: number; releaseKey?: string }[] = [];
    let published: string | undefined;
    // The client's fetch: before its first request for page 2, a new release lands.
    const fetchDuringPublish: typeof fetch = async (input, init) => {
      const url = new URL(input instanceof Request ? input.url : String(input));
      const page = Number(url.searchParams.get('page'));
      if (url.pathname.endsWith('/configs') && page === 2 && published === undefined) {
        await setItems(rt, p, { k0: 'new 0', added: 'yes' });
        published = await publish(rt, p);
      }
      const response = await fetch(input, init);
      if (url.pathname.endsWith('/configs'))
        pages.push({ page, releaseKey: ((await response.clone().json()) as { data: { releaseKey: string } }).data.releaseKey });
      return response;
    };
    const c = client(clientOptions(rt.url, token, { env: 'pro', appId: 'moving', pageSize: 4, push: false, fetch: fetchDuringPublish }));
    await c.start();
    expect(published).toBeDefined();
    // Page 1 of the first release, page 2 of the new one: the load restarted and read all three pages of the new one.
    expect(pages).toEqual([
      { page: 1, releaseKey: first },
      { page: 2, releaseKey: published },
      { page: 1, releaseKey: published },
      { page: 2, releaseKey: published },
      { page: 3, releaseKey: published },
    ]);
    expect(c.namespace('application').releaseKey).toBe(published);
    expect(c.namespace('application').getAll()).toEqual({ ...before, k0: 'new 0', added: 'yes' });
  });

  it('loads several namespaces and reads each through typed getters with defaults', async () => {
    await publishNamespace(rt, 'pro', 'typed', 'application', {
      name: 'orders',
      timeout: ' 30 ',
      ratio: '0.25',
      port: 'eighty',
      empty: '',
      enabled: 'TRUE',
      legacy: 'off',
      maybe: 'perhaps',
      limits: '{"cpu":2,"memory":"1Gi"}',
      broken: '{"cpu":',
    });
    await publishNamespace(rt, 'pro', 'typed', 'database', { 'db.url': 'jdbc:mysql://pro' });
    const c = client(clientOptions(rt.url, token, { env: 'pro', appId: 'typed', namespaces: ['application', 'database'], push: false }));
    await c.start();
    const app = c.namespace('application');
    expect(app.getString('name')).toBe('orders');
    expect(app.getString('missing')).toBeUndefined();
    expect(app.getString('missing', 'fallback')).toBe('fallback');
    expect(app.getString('empty', 'fallback')).toBe('');
    expect(app.getNumber('timeout', 10)).toBe(30);
    expect(app.getNumber('ratio', 1)).toBe(0.25);
    expect(app.getNumber('port', 8080)).toBe(8080);
    expect(app.getNumber('empty', 7)).toBe(7);
    expect(app.getNumber('missing')).toBeUndefined();
    expect(app.getBoolean('enabled', false)).toBe(true);
    expect(app.getBoolean('legacy', true)).toBe(false);
    expect(app.getBoolean('maybe', true)).toBe(true);
    expect(app.getBoolean('missing', false)).toBe(false);
    expect(app.getJson('limits', {})).toEqual({ cpu: 2, memory: '1Gi' });
    expect(app.getJson('broken', { cpu: 1 })).toEqual({ cpu: 1 });
    const cpuOnly = (value: unknown) => {
      if (typeof value !== 'object' || value === null || typeof (value as { cpu?: unknown }).cpu !== 'number') throw new Error('not limits');
      return { cpu: (value as { cpu: number }).cpu };
    };
    expect(app.getJson('limits', { cpu: 0 }, cpuOnly)).toEqual({ cpu: 2 });
    expect(app.getJson('name', { cpu: 0 }, cpuOnly)).toEqual({ cpu: 0 });
    expect(app.has('name')).toBe(true);
    expect(app.keys()).toEqual(['broken', 'empty', 'enabled', 'legacy', 'limits', 'maybe', 'name', 'port', 'ratio', 'timeout']);
    expect(c.namespace('database').getString('db.url')).toBe('jdbc:mysql://pro');
    expect(() => c.namespace('other')).toThrow(/not one of this client's namespaces/);
  });

  it('writes each namespace to the cache folder atomically, with its release key', async () => {
    const { releaseKey } = await publishNamespace(rt, 'pro', 'cached', 'application', { a: '1', b: 'two' });
    const dir = await cacheFolder();
    const c = client(clientOptions(rt.url, token, { env: 'pro', appId: 'cached', cacheDir: dir, push: false }));
    await c.start();
    // No temporary file is left beside the cache file.
    expect(await readdir(dir)).toEqual(['pro+cached+default+application.json']);
    const file = JSON.parse(await readFile(`${dir}/pro+cached+default+application.json`, 'utf8'));
    expect(file).toMatchObject({
      version: 1,
      env: 'pro',
      appId: 'cached',
      clusterName: 'default',
      namespaceName: 'application',
      releaseKey,
      items: { a: '1', b: 'two' },
    });
  });

  it('serves the cache when the server is unreachable at start, and loads from the server once it is back', async () => {
    const { p, releaseKey: cachedKey } = await publishNamespace(rt, 'pro', 'offline', 'application', { mode: 'cached', stays: 'x' });
    const dir = await cacheFolder();
    const first = client(clientOptions(proxy.url, token, { env: 'pro', appId: 'offline', cacheDir: dir, push: false }));
    await first.start();
    await first.close();

    proxy.cut();
    await setItems(rt, p, { mode: 'live' });
    const liveKey = await publish(rt, p);
    const errors: Error[] = [];
    const events: unknown[] = [];
    const second = client(clientOptions(proxy.url, token, { env: 'pro', appId: 'offline', cacheDir: dir, push: false }));
    second.onError((error) => errors.push(error));
    second.onChange((event) => void events.push(event));
    await second.start();
    const ns = second.namespace('application');
    expect(ns.source).toBe('cache');
    expect(ns.releaseKey).toBe(cachedKey);
    expect(ns.getString('mode')).toBe('cached');
    expect(errors[0]?.name).toBe('ConfigUnreachableError');

    proxy.restore();
    await until('the client to load from the server again', () => ns.source === 'server' && ns.releaseKey === liveKey);
    expect(ns.getString('mode')).toBe('live');
    expect(events).toEqual([
      { namespace: 'application', releaseKey: liveKey, previousReleaseKey: cachedKey, changes: { mode: { old: 'cached', new: 'live', type: 'updated' } } },
    ]);
    // The cache now holds the server's release.
    const file = JSON.parse(await readFile(`${dir}/pro+offline+default+application.json`, 'utf8'));
    expect(file.releaseKey).toBe(liveKey);
  });

  it('fails to start when the server is unreachable and there is no cache', async () => {
    await publishNamespace(rt, 'pro', 'nocache', 'application', { a: '1' });
    proxy.cut();
    const withFolder = client(clientOptions(proxy.url, token, { env: 'pro', appId: 'nocache', cacheDir: await cacheFolder(), push: false }));
    const error = await withFolder.start().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ConfigStartError);
    expect((error as ConfigStartError).message).toMatch(/cannot load namespace application \(cannot reach .*\) and there is no cache of it in /);
    expect(withFolder.transport).toBe('closed');
    const withoutFolder = client(clientOptions(proxy.url, token, { env: 'pro', appId: 'nocache', push: false }));
    await expect(withoutFolder.start()).rejects.toThrow(/no cacheDir option/);
    // A damaged cache file is no cache: it is not served.
    const damaged = await cacheFolder();
    await writeFile(`${damaged}/pro+nocache+default+application.json`, '{"version":1,"env":"pro","appId":"noca');
    const withDamaged = client(clientOptions(proxy.url, token, { env: 'pro', appId: 'nocache', cacheDir: damaged, push: false }));
    await expect(withDamaged.start()).rejects.toThrow(/no cache of it in/);
  });

  it('fails to start, even with a cache, when the server refuses the token or does not know the namespace', async () => {
    await publishNamespace(rt, 'pro', 'refused', 'application', { a: '1' });
    const dir = await cacheFolder();
    const good = client(clientOptions(rt.url, token, { env: 'pro', appId: 'refused', cacheDir: dir, push: false }));
    await good.start();
    const badToken = client(clientOptions(rt.url, 'cpt_not_a_token', { env: 'pro', appId: 'refused', cacheDir: dir, push: false }));
    await expect(badToken.start()).rejects.toMatchObject({ name: 'ConfigStartError', cause: { name: 'ConfigServerError', status: 401 } });
    await createNamespace(rt, 'pro', 'refused', 'default', 'unreleased');
    const unreleased = client(clientOptions(rt.url, token, { env: 'pro', appId: 'refused', namespaces: ['unreleased'], push: false }));
    await expect(unreleased.start()).rejects.toMatchObject({ cause: { status: 404 } });
    const unknown = client(clientOptions(rt.url, token, { env: 'pro', appId: 'refused', namespaces: ['nope'], push: false }));
    await expect(unknown.start()).rejects.toThrow('cannot load namespace nope: namespace not found: nope');
  });

  it('checks its options and names the one that is wrong', () => {
    expect(() => new ConfigClient({ baseUrl: 'not a url', token, env: 'pro', appId: 'a' })).toThrow(/baseUrl must be an absolute http\(s\) URL/);
    expect(() => new ConfigClient({ baseUrl: rt.url, token, env: 'pro', appId: 'a b' })).toThrow(/appId must be 1–64 letters/);
    expect(() => new ConfigClient({ baseUrl: rt.url, token, env: 'pro', appId: 'a', pageSize: 501 })).toThrow(
      'pageSize must be an integer from 1 to 500, got 501',
    );
    expect(() => new ConfigClient({ baseUrl: rt.url, token, env: 'pro', appId: 'a', namespaces: ['x', 'x'] })).toThrow(/must not repeat/);
    expect(() => new ConfigClient({ baseUrl: rt.url, token, env: 'pro', appId: 'a', backoff: { initialDelayMs: 10, maxDelayMs: 5 } })).toThrow(
      /maxDelayMs \(5\)/,
    );
  });
});
