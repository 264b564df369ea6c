import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo, Socket } from 'node:net';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ConfigChangeEvent, ConfigClientOptions } from '../../client/src/index.js';
import { ConfigClient } from '../../client/src/index.js';
import type { TestRuntime } from '../helpers/runtime.js';
import { createNamespace } from '../kvconfig/helpers.js';

/** Fast retries, so a test that cuts the server sees the client come back without long waits. */
export const FAST_BACKOFF = { initialDelayMs: 20, maxDelayMs: 200, multiplier: 2 } as const;

/** Polls `check` until it returns a value other than undefined/false, or fails after `timeoutMs` with `what`. */
export async function until<T>(what: string, check: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((next) => setTimeout(next, 10));
  }
}

const folders: string[] = [];

/** A fresh folder for a client's cache (removed by removeCacheFolders). */
export async function cacheFolder(): Promise<string> {
  const folder = await mkdtemp(join(tmpdir(), 'client-cache-'));
  folders.push(folder);
  return folder;
}

export async function removeCacheFolders(): Promise<void> {
  await Promise.all(folders.splice(0).map((folder) => rm(folder, { recursive: true, force: true })));
}

/** A user with the config-client role; its token. */
export async function configClientToken(rt: TestRuntime, name: string): Promise<string> {
  const reply = await rt.call('POST', '/admin/users', { body: { name, role: 'config-client' } });
  if (reply.status >= 300) throw new Error(`cannot create user ${name}: ${reply.text}`);
  return reply.body.data.token as string;
}

/** Creates the namespace, sets `items`, publishes; returns its paths and the release id. */
export async function publishNamespace(rt: TestRuntime, env: string, app: string, namespace: string, items: Record<string, string>) {
  const p = await createNamespace(rt, env, app, 'default', namespace);
  await setItems(rt, p, items);
  return { p, releaseKey: await publish(rt, p) };
}

export async function setItems(rt: TestRuntime, p: { items: string }, items: Record<string, string>): Promise<void> {
  for (const [key, value] of Object.entries(items)) {
    const reply = await rt.call('POST', p.items, { body: { key, value } });
    if (reply.status !== 200) throw new Error(`set ${key}: ${reply.text}`);
  }
}

export async function deleteItem(rt: TestRuntime, p: { items: string }, key: string): Promise<void> {
  const reply = await rt.call('DELETE', `${p.items}/${encodeURIComponent(key)}`);
  if (reply.status !== 200) throw new Error(`delete ${key}: ${reply.text}`);
}

/** Publishes the namespace's items; the new release id. */
export async function publish(rt: TestRuntime, p: { releases: string }): Promise<string> {
  const reply = await rt.call('POST', p.releases, { body: { operator: 'client-test' } });
  if (reply.status !== 200) throw new Error(`publish: ${reply.text}`);
  return reply.body.data.release_id as string;
}

/** The options every test client shares: the runtime (or a proxy in front of it) and fast backoff. */
export function clientOptions(baseUrl: string, token: string, rest: Omit<ConfigClientOptions, 'baseUrl' | 'token'>): ConfigClientOptions {
  return { baseUrl, token, backoff: FAST_BACKOFF, ...rest };
}

/**
 * A TCP proxy in front of the runtime that a test can cut and restore: cut() destroys every open
 * connection and refuses (accepts and closes at once) new ones until restore(), so a client sees the
 * server vanish and come back without the runtime restarting.
 */
export type TcpProxy = {
  readonly url: string;
  /** Connections refused since the last cut(). */
  readonly refused: number;
  /** Connections passed through since start. */
  readonly accepted: number;
  cut(): void;
  restore(): void;
  close(): Promise<void>;
};

export async function startProxy(targetUrl: string): Promise<TcpProxy> {
  const target = new URL(targetUrl);
  const open = new Set<Socket>();
  let up = true;
  let refused = 0;
  let accepted = 0;
  const server = createServer((client) => {
    if (!up) {
      refused += 1;
      client.resetAndDestroy();
      return;
    }
    accepted += 1;
    const upstream = connect(Number(target.port), target.hostname);
    open.add(client);
    open.add(upstream);
    const end = () => {
      client.destroy();
      upstream.destroy();
      open.delete(client);
      open.delete(upstream);
    };
    for (const socket of [client, upstream]) {
      socket.on('error', end);
      socket.on('close', end);
    }
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    get refused() {
      return refused;
    },
    get accepted() {
      return accepted;
    },
    cut() {
      up = false;
      refused = 0;
      for (const socket of open) socket.resetAndDestroy();
      open.clear();
    },
    restore() {
      up = true;
    },
    close() {
      for (const socket of open) socket.destroy();
      return new Promise((done) => server.close(() => done()));
    },
  };
}

/**
 * Runs close-probe.ts in a child process: a client started, watching by `transport`, then closed.
 * Resolves with the child's exit code and output, or with `exited: false` when the process is still
 * alive after `timeoutMs` (something close() left open keeps it running); the child is killed then.
 */
export function runCloseProbe(
  settings: { baseUrl: string; token: string; app: string; push: boolean; pushUrl?: string; transport: 'poll' | 'push' },
  timeoutMs = 30_000,
): Promise<{ exited: boolean; code: number | null; output: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('close-probe.ts', import.meta.url))], {
    env: {
      ...process.env,
      PROBE_BASE_URL: settings.baseUrl,
      PROBE_TOKEN: settings.token,
      PROBE_APP: settings.app,
      PROBE_PUSH: String(settings.push),
      PROBE_PUSH_URL: settings.pushUrl ?? '',
      PROBE_TRANSPORT: settings.transport,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((done) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      done({ exited: false, code: null, output });
    }, timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      done({ exited: true, code, output });
    });
  });
}

/** A fetch that counts the client's requests by route (`configs` pages, `notifications` polls). */
export function countingFetch() {
  const counts = { configs: 0, notifications: 0 };
  const counted: typeof fetch = (input, init) => {
    const path = new URL(input instanceof Request ? input.url : String(input)).pathname;
    if (path.endsWith('/configs')) counts.configs += 1;
    if (path.endsWith('/notifications')) counts.notifications += 1;
    return fetch(input, init);
  };
  return { counts, fetch: counted };
}

/** Clients a test file started; `closeClients` (in afterEach) closes them. */
const started: ConfigClient[] = [];

/** A started client whose change events and errors are collected; closed by `closeClients`. */
export async function watching(options: ConfigClientOptions) {
  const client = new ConfigClient(options);
  started.push(client);
  const events: ConfigChangeEvent[] = [];
  const errors: Error[] = [];
  client.onChange((event) => void events.push(event));
  client.onError((error) => errors.push(error));
  await client.start();
  return { client, events, errors };
}

export async function closeClients(): Promise<void> {
  await Promise.all(started.splice(0).map((c) => c.close()));
}
