import { createServer } from 'node:net';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startChartRepository } from '../../local/chart-repository.js';
import { ensureHelmBinary } from '../../local/helm-binary.js';
import type { Reply, TestRuntime } from '../helpers/runtime.js';
import { rawGet, startTestRuntime } from '../helpers/runtime.js';
import type { PrivateRepo } from './private-repo.js';
import { startPrivateRepo } from './private-repo.js';

const BIN_DIR = 'node_modules/.cache/control-plane';
const PASSWORD = 'pr1vate-Repo-Passw0rd';
const WRONG_PASSWORD = 'wrong-Passw0rd-guess';

let rt: TestRuntime;
let priv: PrivateRepo;
const tokens: Record<string, string> = {};
/** Every answer's text and everything the runtime logged, searched for the passwords at the end. */
const seen: string[] = [];
const logged: string[] = [];
const writes = { stdout: process.stdout.write.bind(process.stdout), stderr: process.stderr.write.bind(process.stderr) };

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const address = server.address();
  await new Promise<void>((done) => server.close(() => done()));
  return typeof address === 'object' && address ? address.port : 0;
}

async function call(method: string, path: string, options: Parameters<TestRuntime['call']>[2] = {}): Promise<Reply> {
  const reply = await rt.call(method, path, options);
  seen.push(reply.text);
  return reply;
}

beforeAll(async () => {
  // The runtime logs at DEBUG into this buffer (the functions' logger writes to stdout).
  for (const stream of ['stdout', 'stderr'] as const) {
    process[stream].write = (chunk: string | Uint8Array) => logged.push(String(chunk)) > 0;
  }
  rt = await startTestRuntime({ logLevel: 'DEBUG' });
  for (const role of ['operator', 'viewer', 'config-client'] as const) {
    tokens[role] = (await call('POST', '/admin/users', { body: { name: `repos-${role}`, role } })).body.data.token;
  }
  const local = await startChartRepository({ helm: ensureHelmBinary(BIN_DIR), baseUrl: 'http://127.0.0.1:1', cacheDir: BIN_DIR });
  priv = await startPrivateRepo(local.files, 'reader', PASSWORD, {
    '/v2chart/index.yaml': 'apiVersion: v2\nentries: {}\n',
    '/html/index.yaml': '<html><body>login</body></html>',
    '/broken/index.yaml': 'apiVersion: v1\nentries: [unclosed\n',
  });
});
afterAll(async () => {
  await priv?.stop();
  await rt?.close();
  process.stdout.write = writes.stdout;
  process.stderr.write = writes.stderr;
});

describe('/v1/repos roles', () => {
  const writesOf = (name: string): [string, string, unknown?][] => [
    ['POST', '/v1/repos', { name, url: 'http://127.0.0.1:1/charts' }],
    ['PUT', `/v1/repos/${name}`, { url: 'http://127.0.0.1:1/other' }],
    ['POST', `/v1/repos/${name}/refresh`],
    ['DELETE', `/v1/repos/${name}`],
  ];

  it('lets a viewer read and refuses it every write (403), and a config-client everything', async () => {
    expect((await call('GET', '/v1/repos', { token: tokens.viewer })).status).toBe(200);
    expect((await call('GET', '/v1/repos/myrepo', { token: tokens.viewer })).status).toBe(200);
    for (const [method, path, body] of writesOf('myrepo')) {
      const reply = await call(method, path, { token: tokens.viewer, body });
      expect(reply.status, `${method} ${path}`).toBe(403);
      expect(reply.body.error.code).toBe('forbidden');
    }
    for (const [method, path, body] of [['GET', '/v1/repos'], ['GET', '/v1/repos/myrepo'], ...writesOf('myrepo')] as [string, string, unknown?][]) {
      expect((await call(method, path, { token: tokens['config-client'], body })).status, `${method} ${path}`).toBe(403);
      expect((await call(method, path, { token: null, body })).status, `${method} ${path}`).toBe(401);
    }
  });

  it('lets an operator add, change, refresh and delete', async () => {
    const replies = [];
    for (const [method, path, body] of writesOf('operated')) replies.push(await call(method, path, { token: tokens.operator, body }));
    expect(replies.map((r) => r.status)).toEqual([201, 200, 200, 200]);
    expect((await call('GET', '/v1/repos/operated')).status).toBe(404);
  });
});

describe('myrepo, the local chart repository', () => {
  it('is registered at start as an active HTTP repository with its charts', async () => {
    const reply = await call('GET', '/v1/repos/myrepo');
    expect(reply.body.data).toMatchObject({ name: 'myrepo', url: rt.chartRepositoryUrl, type: 'http', status: 'active', charts: 3, has_credentials: false });
    expect(reply.body.data.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const list = await call('GET', '/v1/repos');
    expect(list.body.data.map((r: { name: string }) => r.name)).toContain('myrepo');
  });

  it('refreshes by fetching its own index through the gateway, without a token', async () => {
    const reply = await call('POST', '/v1/repos/myrepo/refresh');
    expect(reply.status).toBe(200);
    expect(reply.body.data).toMatchObject({ status: 'active', charts: 3 });
    expect(reply.body.data.message).toBeUndefined();
  });

  it('serves index.yaml and the packages to anyone, and nothing else under /local without an admin token', async () => {
    const index = await fetch(`${rt.url}/local/charts/index.yaml`);
    expect(index.status).toBe(200);
    expect(await index.text()).toContain(`${rt.chartRepositoryUrl}/podinfo-6.5.4.tgz`);
    const tgz = Buffer.from(await (await fetch(`${rt.url}/local/charts/podinfo-6.5.5.tgz`)).arrayBuffer());
    expect([...tgz.subarray(0, 2)]).toEqual([0x1f, 0x8b]);
    expect((await fetch(`${rt.url}/local/charts/missing.tgz`)).status).toBe(404);
    expect((await fetch(`${rt.url}/local/charts/index.yaml`, { method: 'POST' })).status).toBe(401);
    expect((await fetch(`${rt.url}/local/capacity`)).status).toBe(401);
    for (const path of ['/local/charts/../capacity', '/local/charts/..%2Fcapacity', '/local/charts/%2e%2e/capacity', '/local/charts/x/../../capacity']) {
      const reply = await rawGet(rt.url, path, '');
      expect(reply.status, path).toBeGreaterThanOrEqual(400);
      expect(reply.body, path).not.toContain('"read"');
    }
  });
});

describe('adding and checking HTTP repositories', () => {
  it('stores an unreachable repository with status error and the reason, which PUT then fixes', async () => {
    const url = `http://127.0.0.1:${await closedPort()}/charts`;
    const added = await call('POST', '/v1/repos', { token: tokens.operator, body: { name: 'unreachable', url: `${url}/` } });
    expect(added.status).toBe(201);
    expect(added.body.data).toMatchObject({ name: 'unreachable', url, status: 'error' });
    expect(added.body.data.message).toBe(`GET ${url}/index.yaml failed: connect ECONNREFUSED ${url.slice('http://'.length, -'/charts'.length)}`);
    const refreshed = await call('POST', '/v1/repos/unreachable/refresh', { token: tokens.operator });
    expect(refreshed.body.data.status).toBe('error');
    const fixed = await call('PUT', '/v1/repos/unreachable', { token: tokens.operator, body: { url: rt.chartRepositoryUrl } });
    expect(fixed.body.data).toMatchObject({ status: 'active', charts: 3, created_at: added.body.data.created_at });
    expect(fixed.body.data.message).toBeUndefined();
  });

  it.each([
    ['missing', '/nothing-here', /answered HTTP 404/],
    ['v2index', '/v2chart', /apiVersion is "v2", expected "v1"/],
    ['html', '/html', /not a Helm repository index/],
    ['broken', '/broken', /is not YAML/],
  ])('says why %s is not a repository', async (name, path, reason) => {
    const added = await call('POST', '/v1/repos', { token: tokens.operator, body: { name, url: `${priv.origin}${path}` } });
    expect(added.body.data.status).toBe('error');
    expect(added.body.data.message).toMatch(reason);
  });

  it('checks a private repository with basic auth and keeps the credentials out of every answer', async () => {
    const wrong = await call('POST', '/v1/repos', { body: { name: 'private', url: priv.url, username: 'reader', password: WRONG_PASSWORD } });
    expect(wrong.body.data).toMatchObject({ status: 'error', has_credentials: true });
    expect(wrong.body.data.message).toContain('refused the credentials (HTTP 401)');
    const right = await call('PUT', '/v1/repos/private', { body: { username: 'reader', password: PASSWORD } });
    expect(right.body.data).toMatchObject({ status: 'active', charts: 3, has_credentials: true });
    expect(right.body.data).not.toHaveProperty('username');
    expect(right.body.data).not.toHaveProperty('password');
    expect((await call('POST', '/v1/repos/private/refresh')).body.data.status).toBe('active');
    const { dynamo } = await import('../../functions/shared/dynamo.js');
    const item = await dynamo.send(new GetCommand({ TableName: rt.tables.helm, Key: { pk: 'REPO', sk: 'private' } }));
    expect(JSON.stringify(item.Item)).not.toContain(PASSWORD);

    const removed = await call('PUT', '/v1/repos/private', { body: { remove_credentials: true } });
    expect(removed.body.data).toMatchObject({ status: 'error', has_credentials: false });
    expect(removed.body.data.message).toContain('needs credentials (HTTP 401)');
    const { getSecret } = await import('../../functions/shared/secrets.js');
    expect(await getSecret('repos/private')).toBeUndefined();
    await call('PUT', '/v1/repos/private', { body: { username: 'reader', password: PASSWORD } });
    expect(await getSecret('repos/private')).toContain(PASSWORD);
    expect((await call('DELETE', '/v1/repos/private')).body.data.name).toBe('private');
    expect(await getSecret('repos/private')).toBeUndefined();
    expect((await call('GET', '/v1/repos/private')).status).toBe(404);
  });
});

describe('bad requests', () => {
  it('answers 409 for a name that exists', async () => {
    const reply = await call('POST', '/v1/repos', { body: { name: 'myrepo', url: 'https://example.invalid/charts' } });
    expect(reply.status).toBe(409);
    expect(reply.body.error).toMatchObject({ code: 'conflict', message: expect.stringContaining('already exists') });
  });

  it.each([
    [{ name: 'My_Repo', url: 'https://example.invalid' }, 'name'],
    [{ name: '-repo', url: 'https://example.invalid' }, 'name'],
    [{ name: 'x'.repeat(64), url: 'https://example.invalid' }, 'name'],
    [{ name: 'ftp', url: 'ftp://example.invalid/charts' }, 'url'],
    [{ name: 'relative', url: '/charts' }, 'url'],
    [{ name: 'userinfo', url: `https://reader:${PASSWORD}@example.invalid/charts` }, 'url'],
    [{ name: 'query', url: 'https://example.invalid/charts?x=1' }, 'url'],
    [{ name: 'ociupper', url: 'oci://example.invalid/Charts' }, 'url'],
    [{ name: 'half', url: 'https://example.invalid', username: 'u' }, 'password'],
    [{ name: 'plain', url: 'https://example.invalid', plain_http: true }, 'plain_http'],
    [{ name: 'typed', url: 42 }, 'url'],
  ])('answers 400 naming the field for %j', async (body, field) => {
    const reply = await call('POST', '/v1/repos', { body });
    expect(reply.status).toBe(400);
    expect(reply.body.error.message).toContain(`"${field}"`);
    expect(reply.text).not.toContain(PASSWORD);
  });

  it('answers 400 to an empty update and to credentials given with remove_credentials', async () => {
    expect((await call('PUT', '/v1/repos/myrepo', { body: {} })).status).toBe(400);
    const both = await call('PUT', '/v1/repos/myrepo', { body: { username: 'u', password: PASSWORD, remove_credentials: true } });
    expect(both.status).toBe(400);
  });

  it('answers 404 for a repository that does not exist', async () => {
    for (const [method, body] of [['GET'], ['PUT', { url: 'https://example.invalid' }], ['DELETE']] as const) {
      const reply = await call(method, '/v1/repos/nope', { body });
      expect(reply.status).toBe(404);
      expect(reply.body.error.code).toBe('not_found');
    }
    expect((await call('POST', '/v1/repos/nope/refresh')).status).toBe(404);
  });
});

describe('registering myrepo at start', () => {
  it('brings a myrepo of an earlier start up to date and leaves a repository a user pointed elsewhere alone', async () => {
    const { registerLocalRepository } = await import('../../functions/helm/repos-service.js');
    const own = rt.chartRepositoryUrl ?? '';
    expect(await registerLocalRepository('myrepo', own, 3)).toBe('kept');
    expect(await registerLocalRepository('myrepo', 'http://127.0.0.1:8080/local/charts', 3)).toBe('updated');
    expect((await call('GET', '/v1/repos/myrepo')).body.data).toMatchObject({ url: 'http://127.0.0.1:8080/local/charts', status: 'active' });
    expect(await registerLocalRepository('myrepo', own, 3)).toBe('updated');
    await call('POST', '/v1/repos', { body: { name: 'elsewhere', url: priv.url } });
    expect(await registerLocalRepository('elsewhere', own, 3)).toBe('kept');
    expect((await call('GET', '/v1/repos/elsewhere')).body.data.url).toBe(priv.url);
  });
});

describe('credentials never leak', () => {
  it('appear in no answer and in nothing the runtime logged', () => {
    expect(logged.join('').length).toBeGreaterThan(0);
    expect(logged.join('')).toContain('request refused');
    for (const secret of [PASSWORD, WRONG_PASSWORD, Buffer.from(`reader:${PASSWORD}`).toString('base64')]) {
      expect(seen.filter((text) => text.includes(secret))).toEqual([]);
      expect(logged.filter((line) => line.includes(secret))).toEqual([]);
    }
  });
});
