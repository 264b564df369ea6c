import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../local/dynamodb.js';

export const BENCH_TOKEN = 'cpt_bench_admin_token_0123456789';

export type BenchServer = {
  base: string;
  readyMs: number;
  call: (method: string, path: string, body?: unknown, headers?: Record<string, string>) => Promise<Response>;
  stop: () => Promise<void>;
};

/** Starts `npm start` as a user would, on a fresh data folder unless one is given, and waits for /ready. */
export async function startServer(options: { dataDir?: string; env?: Record<string, string> } = {}): Promise<BenchServer> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'bench-'));
  const port = await freePort();
  const started = Date.now();
  const child = spawn('npm', ['start'], {
    env: { ...process.env, PORT: String(port), DATA_DIR: dataDir, ADMIN_TOKEN: BENCH_TOKEN, LOG_LEVEL: 'ERROR', ...options.env },
    stdio: 'ignore',
    detached: true,
  });
  const base = `http://127.0.0.1:${port}`;
  for (;;) {
    try {
      if ((await fetch(`${base}/ready`)).status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() - started > 120_000) throw new Error('npm start did not become ready in 120 s');
    await new Promise((r) => setTimeout(r, 50));
  }
  const readyMs = Date.now() - started;
  return {
    base,
    readyMs,
    call: (method, path, body, headers = {}) =>
      fetch(`${base}${path}`, {
        method,
        headers: { authorization: `Bearer ${BENCH_TOKEN}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      }),
    stop: () =>
      new Promise<void>((done) => {
        child.once('exit', () => {
          if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
          done();
        });
        if (child.pid) process.kill(-child.pid, 'SIGTERM');
      }),
  };
}

/** DynamoDB units the server consumed while `work` ran (its /local/capacity counter). */
export async function unitsDuring(server: BenchServer, work: () => Promise<void>): Promise<{ read: number; write: number; requests: Record<string, number> }> {
  const headers = { authorization: `Bearer ${BENCH_TOKEN}` };
  await fetch(`${server.base}/local/capacity/reset`, { method: 'POST', headers });
  await work();
  return (await (await fetch(`${server.base}/local/capacity`, { headers })).json()) as { read: number; write: number; requests: Record<string, number> };
}
