import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../local/dynamodb.js';
import { formatLoad, keepAliveClient, loadCalls, percentile } from './load.js';

/**
 * etcd as the peer a team would otherwise pick for configuration, measured on the same machine in
 * the same run (Debian: `apt-get install etcd-server`). Spoken to over its JSON gateway (`/v3/…`),
 * the same HTTP a client of this API uses; skipped with a note when `etcd` is not installed.
 */
export type Etcd = { base: string; stop: () => Promise<void> };

export function etcdInstalled(): boolean {
  return spawnSync('etcd', ['--version'], { stdio: 'ignore' }).status === 0;
}

export async function startEtcd(): Promise<Etcd> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-etcd-'));
  const [client, peer] = [await freePort(), await freePort()];
  const child = spawn(
    'etcd',
    [
      '--name=bench',
      `--data-dir=${dir}`,
      `--listen-client-urls=http://127.0.0.1:${client}`,
      `--advertise-client-urls=http://127.0.0.1:${client}`,
      `--listen-peer-urls=http://127.0.0.1:${peer}`,
      `--initial-advertise-peer-urls=http://127.0.0.1:${peer}`,
      `--initial-cluster=bench=http://127.0.0.1:${peer}`,
      '--log-level=error',
    ],
    { stdio: 'ignore' },
  );
  const base = `http://127.0.0.1:${client}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      if ((await fetch(`${base}/health`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error('etcd did not become healthy in 30 s');
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    base,
    stop: () =>
      new Promise<void>((done) => {
        child.once('exit', () => {
          rmSync(dir, { recursive: true, force: true });
          done();
        });
        child.kill('SIGTERM');
      }),
  };
}

const b64 = (s: string) => Buffer.from(s).toString('base64');
const post = (etcd: Etcd, path: string, body: unknown) => fetch(`${etcd.base}${path}`, { method: 'POST', body: JSON.stringify(body) });

/** `watchers` clients each hold a watch on one key; each put is timed from its answer to every watcher's event. */
export async function etcdWatchLatency(etcd: Etcd, watchers: number, rounds: number): Promise<number[]> {
  const key = b64('bench/watched');
  await post(etcd, '/v3/kv/put', { key, value: b64('0') });
  const controllers: AbortController[] = [];
  let expected = '';
  const arrivals: ((value: string, at: number) => void)[] = [];
  await Promise.all(
    Array.from({ length: watchers }, async (_, index) => {
      const controller = new AbortController();
      controllers.push(controller);
      const response = await fetch(`${etcd.base}/v3/watch`, { method: 'POST', body: JSON.stringify({ create_request: { key } }), signal: controller.signal });
      const reader = response.body!.getReader();
      const decoder = new TextDecoder();
      let buffer = '';
      let created: () => void = () => undefined;
      const ready = new Promise<void>((done) => (created = done));
      void (async () => {
        try {
          for (;;) {
            const { value, done } = await reader.read();
            if (done) return;
            buffer += decoder.decode(value, { stream: true });
            let newline: number;
            while ((newline = buffer.indexOf('\n')) >= 0) {
              const line = buffer.slice(0, newline);
              buffer = buffer.slice(newline + 1);
              const message = JSON.parse(line) as { result?: { created?: boolean; events?: { kv: { value: string } }[] } };
              if (message.result?.created) created();
              for (const event of message.result?.events ?? []) arrivals[index]?.(Buffer.from(event.kv.value, 'base64').toString(), performance.now());
            }
          }
        } catch {
          // aborted at the end
        }
      })();
      await ready;
    }),
  );
  const samples: number[] = [];
  for (let round = 1; round <= rounds; round += 1) {
    expected = String(round);
    const seen = Array.from(
      { length: watchers },
      (_, index) => new Promise<number>((done) => (arrivals[index] = (value, at) => value === expected && done(at))),
    );
    await post(etcd, '/v3/kv/put', { key, value: b64(expected) });
    const committed = performance.now();
    for (const at of await Promise.all(seen)) samples.push(Math.max(0, at - committed));
  }
  for (const controller of controllers) controller.abort();
  return samples.sort((a, b) => a - b);
}

/** The same read a `configs` page is: 100 keys of ~110 B under one prefix, by 50 clients. */
export async function etcdRangeLoad(etcd: Etcd): Promise<string> {
  for (let i = 0; i < 100; i += 1)
    await post(etcd, '/v3/kv/put', { key: b64(`cfg/key.${String(i).padStart(3, '0')}`), value: b64(`value-${i}-${'v'.repeat(100)}`) });
  const range = { key: b64('cfg/'), range_end: b64('cfg0') };
  const client = keepAliveClient();
  try {
    const body = JSON.stringify(range);
    const result = await loadCalls({
      concurrency: 50,
      seconds: 10,
      operation: async () => (await client.send(`${etcd.base}/v3/kv/range`, { method: 'POST', body })) === 200,
    });
    return formatLoad('etcd range of the same 100 keys, 50 clients', result);
  } finally {
    client.close();
  }
}

export const describeSamples = (samples: readonly number[]) => `p50 ${percentile(samples, 50).toFixed(0)} ms, p99 ${percentile(samples, 99).toFixed(0)} ms`;
