import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../local/dynamodb.js';
import { keepAliveClient } from './load.js';

export const BENCH_TOKEN = 'cpt_bench_admin_token_0123456789';

export type BenchServer = {
  base: string;
  readyMs: number;
  call: (method: string, path: string, body?: unknown, headers?: Record<string, string>) => Promise<Response>;
  /** A GET with the bench token through the load generator's keep-alive client (`keepAliveClient`): the status, once the body is read. */
  get: (path: string) => Promise<number>;
  /** CPU time (user + system) the server's Node process has used so far, in ms; undefined off Linux. */
  cpuMs: () => number | undefined;
  stop: () => Promise<void>;
};

/** Linux's clock ticks per second for /proc/<pid>/stat (`getconf CLK_TCK`, 100 on every common kernel). */
const CLOCK_TICKS = 100;

/** The Node process running local/start.ts in the process group `npm start` leads (Linux /proc only). */
function serverPid(group: number): number | undefined {
  try {
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        if (Number(fields[2]) !== group) continue;
        // The Node process itself, not the shell npm runs it through (whose command line names the file too).
        const [command = '', ...args] = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
        if (/(^|\/)node$/.test(command) && args.includes('local/start.ts')) return Number(entry);
      } catch {
        // the process ended while we looked
      }
    }
  } catch {
    // no /proc
  }
  return undefined;
}

function cpuMsOf(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // After the command: state is field 0, so utime and stime (fields 14 and 15 of stat(5)) are 11 and 12.
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
  } catch {
    return undefined;
  }
}

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
  const pid = child.pid === undefined ? undefined : serverPid(child.pid);
  const client = keepAliveClient();
  return {
    base,
    readyMs,
    call: (method, path, body, headers = {}) =>
      fetch(`${base}${path}`, {
        method,
        headers: { authorization: `Bearer ${BENCH_TOKEN}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      }),
    get: (path) => client.send(`${base}${path}`, { headers: { authorization: `Bearer ${BENCH_TOKEN}` } }),
    cpuMs: () => cpuMsOf(pid),
    stop: () =>
      new Promise<void>((done) => {
        child.once('exit', () => {
          if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
          done();
        });
        client.close();
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

/** The endpoint of the DynamoDB Local that the server started (from its /local/capacity answer). */
export async function dynamodbEndpointOf(server: BenchServer): Promise<string> {
  const answer = await fetch(`${server.base}/local/capacity`, { headers: { authorization: `Bearer ${BENCH_TOKEN}` } });
  const { dynamodbEndpoint } = (await answer.json()) as { dynamodbEndpoint?: string };
  if (!dynamodbEndpoint) throw new Error('the server did not say which DynamoDB Local it uses (GET /local/capacity has no dynamodbEndpoint)');
  return dynamodbEndpoint;
}
