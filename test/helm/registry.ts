import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const REGISTRY_BINARY = '/usr/bin/docker-registry';

/** A real OCI registry (the CNCF distribution registry, Debian's docker-registry) on a free loopback port, plain HTTP. */
export type TestRegistry = { host: string; username: string; password: string; stop: () => Promise<void> };

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const address = server.address();
  await new Promise<void>((done) => server.close(() => done()));
  return typeof address === 'object' && address ? address.port : 0;
}

/**
 * Starts the registry with htpasswd (bcrypt) auth for one user and storage in a temporary folder.
 * Fails with what to install when the machine lacks the registry or htpasswd (.ci/run installs both).
 */
export async function startRegistry(): Promise<TestRegistry> {
  if (!existsSync(REGISTRY_BINARY)) {
    throw new Error(`${REGISTRY_BINARY} is missing: install Debian's docker-registry package (apt-get install docker-registry; .ci/run does)`);
  }
  const dir = mkdtempSync(join(tmpdir(), 'repos-registry-'));
  const username = 'registry-user';
  const password = `oci-${randomBytes(12).toString('hex')}`;
  let htpasswd: string;
  try {
    htpasswd = execFileSync('htpasswd', ['-Bbn', username, password], { encoding: 'utf8' });
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error('htpasswd failed: install apache2-utils (apt-get install apache2-utils; .ci/run does)', { cause: error });
  }
  writeFileSync(join(dir, 'htpasswd'), htpasswd);
  const port = await freePort();
  const host = `127.0.0.1:${port}`;
  writeFileSync(
    join(dir, 'config.yml'),
    [
      'version: 0.1',
      'log: {level: error, accesslog: {disabled: true}}',
      `storage: {filesystem: {rootdirectory: ${join(dir, 'data')}}}`,
      `http: {addr: "${host}", secret: ${randomBytes(8).toString('hex')}}`,
      `auth: {htpasswd: {realm: test-registry, path: ${join(dir, 'htpasswd')}}}`,
      '',
    ].join('\n'),
  );
  const child = spawn(REGISTRY_BINARY, ['serve', join(dir, 'config.yml')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const stop = async () => {
    if (child.exitCode === null) {
      const exited = new Promise((done) => child.once('exit', done));
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 15_000;
  for (;;) {
    const answer = await fetch(`http://${host}/v2/`).catch(() => undefined);
    if (answer?.status === 401) return { host, username, password, stop };
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`docker-registry did not start on ${host}: ${stderr.trim() || `exit code ${String(child.exitCode)}`}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}
