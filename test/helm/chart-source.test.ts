import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type * as ChartSource from '../../functions/helm/chart-source.js';
import { startChartRepository } from '../../local/chart-repository.js';
import { ensureHelmBinary } from '../../local/helm-binary.js';
import type { TestRuntime } from '../helpers/runtime.js';
import { startTestRuntime } from '../helpers/runtime.js';
import type { PrivateRepo } from './private-repo.js';
import { startPrivateRepo } from './private-repo.js';
import type { TestRegistry } from './registry.js';
import { startRegistry } from './registry.js';

const run = promisify(execFile);
const BIN_DIR = 'node_modules/.cache/control-plane';
const HTTP_PASSWORD = 'http-Basic-Passw0rd';

let rt: TestRuntime;
let priv: PrivateRepo;
let registry: TestRegistry;
let work: string;
let source: typeof ChartSource;

/** The real helm with its own homes (no repositories.yaml, no registry login): everything comes from the arguments. */
async function helm(...args: string[]): Promise<string> {
  const env = {
    PATH: process.env.PATH,
    HOME: work,
    HELM_CACHE_HOME: join(work, 'cache'),
    HELM_CONFIG_HOME: join(work, 'config'),
    HELM_DATA_HOME: join(work, 'data'),
  };
  try {
    return (await run(ensureHelmBinary(BIN_DIR), args, { env })).stdout;
  } catch (error) {
    throw new Error(`helm failed: ${(error as { stderr?: string }).stderr ?? String(error)}`, { cause: error });
  }
}

/** `helm template` of a chart through chartSource, as the Helm API's runner will call it; returns the main container's image. */
async function renderedImage(repo: string, chart: string, version?: string): Promise<string> {
  const { ref, args, secretArgs } = await source.chartSource(repo, chart, version);
  const out = await helm('template', 'rel', ref, ...args, ...secretArgs);
  return [...out.matchAll(/image: "([^"]+)"/g)].at(-1)?.[1] ?? out;
}

beforeAll(async () => {
  rt = await startTestRuntime();
  source = await import('../../functions/helm/chart-source.js');
  work = mkdtempSync(join(tmpdir(), 'repos-chart-source-'));
  const local = await startChartRepository({ helm: ensureHelmBinary(BIN_DIR), baseUrl: 'http://127.0.0.1:1', cacheDir: BIN_DIR });
  for (const [file, content] of local.files) writeFileSync(join(work, file), content);
  priv = await startPrivateRepo(local.files, 'reader', HTTP_PASSWORD);
  registry = await startRegistry();
  const login = ['--username', registry.username, '--password', registry.password];
  for (const chart of ['podinfo-6.5.4.tgz', 'podinfo-6.5.5.tgz', 'minidb-1.0.0.tgz']) {
    await helm('push', join(work, chart), `oci://${registry.host}/charts`, '--plain-http', ...login);
  }
});
afterAll(async () => {
  await registry?.stop();
  await priv?.stop();
  await rt?.close();
  rmSync(work, { recursive: true, force: true });
});

describe('chartSource with myrepo (the local HTTP repository)', () => {
  it('gives --repo and --version, no credentials, and helm renders the chart from it', async () => {
    expect(await source.chartSource('myrepo', 'podinfo', '6.5.4')).toEqual({
      ref: 'podinfo',
      args: ['--repo', rt.chartRepositoryUrl, '--version', '6.5.4'],
      secretArgs: [],
    });
    expect(await renderedImage('myrepo', 'podinfo', '6.5.4')).toBe('ghcr.io/stefanprodan/podinfo:6.5.4');
    expect(await renderedImage('myrepo', 'podinfo')).toBe('ghcr.io/stefanprodan/podinfo:6.5.5');
    expect(await renderedImage('myrepo', 'minidb', '1.0.0')).toBe('docker.io/library/mariadb:11.4');
  });

  it('refuses an unknown repository (404) and a chart or version that could be a flag (400)', async () => {
    await expect(source.chartSource('nope', 'podinfo')).rejects.toMatchObject({ statusCode: 404, message: expect.stringContaining('"nope" not found') });
    await expect(source.chartSource('myrepo', '--set')).rejects.toMatchObject({ statusCode: 400 });
    await expect(source.chartSource('myrepo', 'podinfo', '--post-renderer=x')).rejects.toMatchObject({ statusCode: 400 });
  });
});

describe('chartSource with a private HTTP repository (basic auth)', () => {
  it('adds it through the API and gives the credentials only in secretArgs, which helm needs', async () => {
    const added = await rt.call('POST', '/v1/repos', { body: { name: 'private', url: priv.url, username: 'reader', password: HTTP_PASSWORD } });
    expect(added.body.data).toMatchObject({ status: 'active', charts: 3, has_credentials: true });
    const resolved = await source.chartSource('private', 'podinfo', '6.5.5');
    expect(resolved.args).toEqual(['--repo', priv.url, '--version', '6.5.5']);
    expect(resolved.secretArgs).toEqual(['--username', 'reader', '--password', HTTP_PASSWORD, '--pass-credentials']);
    expect(JSON.stringify([resolved.ref, resolved.args])).not.toContain(HTTP_PASSWORD);
    expect(await renderedImage('private', 'podinfo', '6.5.5')).toBe('ghcr.io/stefanprodan/podinfo:6.5.5');
    await expect(helm('template', 'rel', resolved.ref, ...resolved.args)).rejects.toThrow(/401/);
  });
});

describe('chartSource with an OCI registry (docker-registry, htpasswd auth)', () => {
  const url = () => `oci://${registry.host}/charts`;

  it('adds the registry through the API as active, and helm renders the chart it points to', async () => {
    const added = await rt.call('POST', '/v1/repos', {
      body: { name: 'oci', url: url(), username: registry.username, password: registry.password, plain_http: true },
    });
    expect(added.status).toBe(201);
    expect(added.body.data).toMatchObject({ name: 'oci', url: url(), type: 'oci', status: 'active', plain_http: true, has_credentials: true });
    expect(added.body.data.charts).toBeUndefined();
    expect(added.text).not.toContain(registry.password);
    expect(await source.chartSource('oci', 'podinfo', '6.5.4')).toEqual({
      ref: `${url()}/podinfo`,
      args: ['--version', '6.5.4', '--plain-http'],
      secretArgs: ['--username', registry.username, '--password', registry.password],
    });
    expect(await renderedImage('oci', 'podinfo', '6.5.4')).toBe('ghcr.io/stefanprodan/podinfo:6.5.4');
    expect(await renderedImage('oci', 'minidb', '1.0.0')).toBe('docker.io/library/mariadb:11.4');
    expect((await rt.call('POST', '/v1/repos/oci/refresh')).body.data.status).toBe('active');
  });

  it('records why a registry check fails: wrong password, no credentials, HTTPS to a plain-HTTP registry', async () => {
    const wrong = await rt.call('POST', '/v1/repos', {
      body: { name: 'oci-wrong', url: url(), username: registry.username, password: 'nope-nope', plain_http: true },
    });
    expect(wrong.body.data).toMatchObject({
      status: 'error',
      message: `http://${registry.host}/v2/ refused the credentials (HTTP 401); fix username and password with PUT /v1/repos/{name}`,
    });
    const anonymous = await rt.call('POST', '/v1/repos', { body: { name: 'oci-anonymous', url: url(), plain_http: true } });
    expect(anonymous.body.data.message).toContain('needs credentials (HTTP 401)');
    const tls = await rt.call('POST', '/v1/repos', { body: { name: 'oci-tls', url: url(), username: registry.username, password: registry.password } });
    expect(tls.body.data).toMatchObject({ status: 'error', plain_http: false });
    expect(tls.body.data.message).toContain(`GET https://${registry.host}/v2/ failed:`);
    const fixed = await rt.call('PUT', '/v1/repos/oci-tls', { body: { plain_http: true } });
    expect(fixed.body.data).toMatchObject({ status: 'active', plain_http: true });
  });
});

describe('redact', () => {
  it('removes every credential chartSource handed out, and credentials in flags and URLs', async () => {
    await source.chartSource('private', 'podinfo');
    const text = `Error: GET ${priv.url}/index.yaml: user reader with ${HTTP_PASSWORD}; --password hunter2 https://bob:s3cr3t@example.com/x`;
    const redacted = source.redact(text);
    expect(redacted).not.toContain(HTTP_PASSWORD);
    expect(redacted).not.toContain('hunter2');
    expect(redacted).not.toContain('s3cr3t');
    expect(redacted).toContain('https://***@example.com/x');
    expect(source.redact('token abc123 here', ['abc123'])).toBe('token *** here');
  });
});
