import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { MethodNotAllowedError, NotFoundError } from '../functions/shared/errors.js';
import { renderError } from '../functions/shared/families.js';
import type { LocalEndpoint } from './gateway.js';

const run = promisify(execFile);

/** The chart sources written for this project (docs/helm-api.md, "Local chart repository"). */
export const CHART_SOURCES = resolve(new URL('charts', import.meta.url).pathname);

/** Charts packaged in more than one version from one source: the version is also the appVersion (the image tag). */
const EXTRA_VERSIONS: Readonly<Record<string, readonly string[]>> = { podinfo: ['6.5.4', '6.5.5'] };

/** Where the gateway serves the repository; helm sends no token, so the guard lets GET through here. */
export const CHART_REPOSITORY_PATH = '/local/charts';

export type LocalChartRepository = Readonly<{
  /** The repository URL to register (`http://host:port/local/charts`). */
  url: string;
  /** Charts in the index (names, not versions). */
  charts: number;
  /** `<name>-<version>.tgz` → the packages, plus `index.yaml`. */
  files: ReadonlyMap<string, Buffer>;
  endpoint: LocalEndpoint;
}>;

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((file) => statSync(join(dir, file)).isFile())
    .sort();
}

/**
 * The URL the cached index is built with; each runtime's index is that text with its own URL in
 * its place, so a start needs no helm run once the packages are cached.
 */
const PLACEHOLDER_URL = 'http://chart-repository.invalid/local/charts';

/** A hash of everything the packages depend on: every source file and the versions. */
function sourceHash(): string {
  const hash = createHash('sha256').update(`${JSON.stringify(EXTRA_VERSIONS)}\n`);
  for (const file of filesUnder(CHART_SOURCES)) hash.update(`${file}\n`).update(readFileSync(join(CHART_SOURCES, file)));
  return hash.digest('hex');
}

async function helmRun(helm: string, args: string[], home: string): Promise<void> {
  const env = {
    PATH: process.env.PATH ?? '',
    HOME: home,
    HELM_CACHE_HOME: join(home, 'cache'),
    HELM_CONFIG_HOME: join(home, 'config'),
    HELM_DATA_HOME: join(home, 'data'),
  };
  try {
    await run(helm, args, { env, timeout: 60_000 });
  } catch (error) {
    const failed = error as { stderr?: string; message: string };
    throw new Error(`helm ${args.join(' ')} failed: ${failed.stderr?.trim() || failed.message}`, { cause: error });
  }
}

/** Packages every chart under `local/charts/` into `dir` (each extra version too) and writes `index.yaml` with absolute URLs under `url`. */
async function build(helm: string, dir: string, url: string): Promise<void> {
  const home = mkdtempSync(join(tmpdir(), 'control-plane-helm-'));
  try {
    const charts = readdirSync(CHART_SOURCES).filter((name) => existsSync(join(CHART_SOURCES, name, 'Chart.yaml')));
    await Promise.all(
      charts.map(async (chart) => {
        const source = join(CHART_SOURCES, chart);
        const versions = EXTRA_VERSIONS[chart];
        if (!versions) return helmRun(helm, ['package', source, '--destination', dir], home);
        for (const version of versions) await helmRun(helm, ['package', source, '--destination', dir, '--version', version, '--app-version', version], home);
      }),
    );
    await helmRun(helm, ['repo', 'index', dir, '--url', url], home);
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

/**
 * The packages and index (with the placeholder URL) in `<cacheDir>/charts-<source hash>`, built
 * once with the real helm. Concurrent starts (test files) may build at the same time: each builds
 * in its own folder and the first rename wins. Folders of older sources are left (a few KiB each):
 * another checkout sharing node_modules may still be using them.
 */
async function cachedPackages(helm: string, cacheDir: string): Promise<string> {
  const name = `charts-${sourceHash().slice(0, 16)}`;
  const dir = join(cacheDir, name);
  if (existsSync(join(dir, 'index.yaml'))) return dir;
  mkdirSync(cacheDir, { recursive: true });
  const building = mkdtempSync(join(cacheDir, 'charts-build-'));
  try {
    await build(helm, building, PLACEHOLDER_URL);
    renameSync(building, dir);
  } catch (error) {
    rmSync(building, { recursive: true, force: true });
    if (!existsSync(join(dir, 'index.yaml'))) throw error;
  }
  return dir;
}

/**
 * Packages the project's charts with the real helm (cached in `cacheDir` by a hash of their
 * sources) and serves them from memory as a Helm HTTP repository at `/local/charts/`: `index.yaml`
 * (made by `helm repo index`, with absolute URLs under `baseUrl`) and the `.tgz` packages. With
 * `dir` (npm start: `<dataDir>/charts`) the served files are also written there, for a person to look at.
 */
export async function startChartRepository(options: { helm: string; baseUrl: string; cacheDir: string; dir?: string }): Promise<LocalChartRepository> {
  const url = `${options.baseUrl}${CHART_REPOSITORY_PATH}`;
  const cached = await cachedPackages(options.helm, options.cacheDir);
  const files = new Map<string, Buffer>();
  for (const file of readdirSync(cached)) if (file.endsWith('.tgz')) files.set(file, readFileSync(join(cached, file)));
  const index = readFileSync(join(cached, 'index.yaml'), 'utf8').replaceAll(PLACEHOLDER_URL, url);
  files.set('index.yaml', Buffer.from(index));
  if (options.dir) {
    mkdirSync(options.dir, { recursive: true });
    for (const file of readdirSync(options.dir)) if (file.endsWith('.tgz') && !files.has(file)) rmSync(join(options.dir, file));
    for (const [file, content] of files) writeFileSync(join(options.dir, file), content);
  }
  const parsed = parse(index) as { entries?: Record<string, unknown> } | null;
  return { url, charts: Object.keys(parsed?.entries ?? {}).length, files, endpoint: chartRepositoryEndpoint(files) };
}

/** Whether the gateway may serve `request` without a token: a read of a file of the chart repository. */
export function isPublicChartRequest(request: { method: string; path: string }): boolean {
  if (request.method !== 'GET' && request.method !== 'HEAD') return false;
  const name = request.path.startsWith(`${CHART_REPOSITORY_PATH}/`) ? request.path.slice(CHART_REPOSITORY_PATH.length + 1) : undefined;
  // One plain file name: no further slash, no `..`, no percent-encoding.
  return name !== undefined && /^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name) && !name.includes('..');
}

/** The gateway endpoint: GET/HEAD of `index.yaml` and the packages, from memory (no file system path is ever built from a request). */
function chartRepositoryEndpoint(files: ReadonlyMap<string, Buffer>): LocalEndpoint {
  return async ({ method, path }) => {
    if (path !== CHART_REPOSITORY_PATH && !path.startsWith(`${CHART_REPOSITORY_PATH}/`)) return undefined;
    if (method !== 'GET' && method !== 'HEAD') return renderError('helm', new MethodNotAllowedError(method, path, ['GET', 'HEAD']));
    const name = path.slice(CHART_REPOSITORY_PATH.length + 1);
    const file = isPublicChartRequest({ method, path }) ? files.get(name) : undefined;
    if (!file)
      return renderError('helm', new NotFoundError(`no file "${name}" in the local chart repository (${CHART_REPOSITORY_PATH}/index.yaml lists them)`));
    const yaml = name === 'index.yaml';
    return {
      statusCode: 200,
      headers: { 'content-type': yaml ? 'application/x-yaml' : 'application/gzip', 'content-length': String(file.length), 'cache-control': 'no-cache' },
      body: file.toString('base64'),
      isBase64Encoded: true,
    };
  };
}
