import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { createCa, createServerCertificate, type Pem } from '../../local/certificates.js';

/**
 * Test packages over HTTPS: a CA and a 127.0.0.1/localhost server certificate generated at run
 * time (pure JS, nothing to install), and a server handing out `.tar.gz` packages built in memory.
 */

export type HookSpec = { command: string; timeout_seconds?: number };
/** What `deploy.json` may hold; loosely typed so tests can also write invalid ones. */
export type DeployJsonSpec = { hooks?: Partial<Record<'stop' | 'before_install' | 'after_install' | 'start' | 'validate', HookSpec>> } & Record<
  string,
  unknown
>;

export type TarEntry =
  | { path: string; type?: 'file'; content: string | Buffer; mode?: number }
  | { path: string; type: 'directory'; mode?: number }
  | { path: string; type: 'symlink' | 'hardlink'; linkpath: string };

export type PublishedPackage = { url: string; sha256: string };

export type PackageServer = {
  /** `https://127.0.0.1:<port>` */
  url: string;
  /** PEM file of the test CA: pass as the agent's `--ca`. */
  caFile: string;
  caPem: string;
  /** Serves `<url>/packages/<version>.tar.gz` with `files` (paths → text; `*.sh` get mode 0755) and an optional deploy.json. */
  addPackage(version: string, files: Record<string, string>, deployJson?: DeployJsonSpec): PublishedPackage;
  /** Serves any archive (for hand-made, e.g. malicious, tarballs) at `<url>/packages/<name>`. */
  addTarball(name: string, tarGz: Buffer): PublishedPackage;
  /** Makes `<url>/packages/<version>.tar.gz` (or a name given to addTarball) answer 404 from now on. */
  makeMissing(versionOrName: string): void;
  /** Request paths served so far, in order (404s included). */
  readonly requests: readonly string[];
  /** How many times a version's package was requested. */
  requestCount(version: string): number;
  stop(): Promise<void>;
};

let testCa: Promise<Pem> | null = null;

/** One CA per test process: generating keys is the slow part. */
export function getTestCa(): Promise<Pem> {
  testCa ??= createCa('Deploy agent test CA');
  return testCa;
}

/** A server certificate for 127.0.0.1, ::1 and localhost, signed by the test CA. */
export async function createLocalhostCertificate(): Promise<{ key: string; cert: string; caPem: string }> {
  const ca = await getTestCa();
  return { ...(await createServerCertificate(ca, 'localhost', ['localhost'])), caPem: ca.cert };
}

/** Starts the HTTPS package server on 127.0.0.1 (random port). */
export async function startPackageServer(): Promise<PackageServer> {
  const { key, cert, caPem } = await createLocalhostCertificate();
  const folder = await mkdtemp(join(tmpdir(), 'packages-'));
  const caFile = join(folder, 'ca.pem');
  await writeFile(caFile, caPem);

  const archives = new Map<string, Buffer>();
  const missing = new Set<string>();
  const requests: string[] = [];
  const server: Server = createServer({ key, cert }, (request, response) => {
    const path = new URL(request.url ?? '/', 'https://localhost').pathname;
    requests.push(path);
    const name = path.startsWith('/packages/') ? decodeURIComponent(path.slice('/packages/'.length)) : '';
    const archive = archives.get(name);
    if (request.method !== 'GET' || !archive || missing.has(name)) {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    response.writeHead(200, { 'content-type': 'application/gzip', 'content-length': archive.length }).end(archive);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const publish = (name: string, tarGz: Buffer): PublishedPackage => {
    archives.set(name, tarGz);
    missing.delete(name);
    return { url: `${url}/packages/${encodeURIComponent(name)}`, sha256: createHash('sha256').update(tarGz).digest('hex') };
  };
  return {
    url,
    caFile,
    caPem,
    addPackage: (version, files, deployJson) => publish(`${version}.tar.gz`, buildPackage(files, deployJson)),
    addTarball: publish,
    makeMissing: (versionOrName) => missing.add(archives.has(versionOrName) ? versionOrName : `${versionOrName}.tar.gz`),
    requests,
    requestCount: (version) => requests.filter((path) => path === `/packages/${encodeURIComponent(`${version}.tar.gz`)}`).length,
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(folder, { recursive: true, force: true });
    },
  };
}

/** A package: `files` plus `deploy.json` at the root. */
export function buildPackage(files: Record<string, string>, deployJson?: DeployJsonSpec): Buffer {
  const entries: TarEntry[] = Object.entries(files).map(([path, content]) => ({ path, content, mode: path.endsWith('.sh') ? 0o755 : 0o644 }));
  if (deployJson) entries.push({ path: 'deploy.json', content: JSON.stringify(deployJson, null, 2) });
  return buildTarGz(entries);
}

/** A gzipped ustar archive, entries written exactly as given (names are not sanitised). */
export function buildTarGz(entries: TarEntry[]): Buffer {
  const blocks: Buffer[] = [];
  for (const entry of entries) {
    const content = entry.type === undefined || entry.type === 'file' ? Buffer.from(entry.content) : Buffer.alloc(0);
    blocks.push(tarHeader(entry, content.length));
    if (content.length > 0) blocks.push(content, Buffer.alloc((512 - (content.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  return gzipSync(Buffer.concat(blocks));
}

const TYPE_FLAGS = { file: '0', hardlink: '1', symlink: '2', directory: '5' } as const;

function tarHeader(entry: TarEntry, size: number): Buffer {
  if (Buffer.byteLength(entry.path) > 100) throw new Error(`tar path longer than 100 bytes: ${entry.path}`);
  const header = Buffer.alloc(512);
  const type = entry.type ?? 'file';
  const mode = 'mode' in entry && entry.mode !== undefined ? entry.mode : type === 'directory' ? 0o755 : 0o644;
  header.write(entry.path, 0, 100, 'utf8');
  header.write(octal(mode, 8), 100);
  header.write(octal(0, 8), 108);
  header.write(octal(0, 8), 116);
  header.write(octal(size, 12), 124);
  header.write(octal(Math.floor(Date.now() / 1000), 12), 136);
  header.write('        ', 148); // checksum counts as spaces while summing
  header.write(TYPE_FLAGS[type], 156);
  if ('linkpath' in entry) header.write(entry.linkpath, 157, 100, 'utf8');
  header.write('ustar\u000000', 257);
  let sum = 0;
  for (const byte of header) sum += byte;
  header.write(`${sum.toString(8).padStart(6, '0')}\u0000 `, 148);
  return header;
}

function octal(value: number, width: number): string {
  return `${value.toString(8).padStart(width - 1, '0')}\u0000`;
}
