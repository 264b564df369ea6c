import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { Agent, fetch, type RequestInit, type Response } from 'undici';
import { ensureLayerBinary, type LayerBinary } from '../../local/helm-binary.js';
import { startKubeSimulator, type KubeSimulator, type KubeSimulatorOptions } from '../../local/kube/server.js';

const run = promisify(execFile);
export const TEST_TIME_SCALE = 0.05;
const BIN_DIR = resolve('node_modules', '.cache', 'control-plane');

/** A running simulator plus what a test needs to talk to it: real binaries with isolated caches, and fetch over its CA. */
export type TestCluster = KubeSimulator & {
  /** Runs `helm` or `kubectl` to completion; rejects with stderr when it exits non-zero. */
  cli(binary: LayerBinary, args: string[]): Promise<string>;
  /** Starts a long-running `kubectl …` (a watch); the caller kills it. */
  spawnCli(binary: LayerBinary, args: string[]): ChildProcess;
  /** fetch against the simulator, trusting its CA and sending its token. */
  api(path: string, init?: Omit<RequestInit, 'headers'> & { headers?: Record<string, string>; token?: string | null }): Promise<Response>;
  env: NodeJS.ProcessEnv;
  stop(): Promise<void>;
};

export async function startTestCluster(options: KubeSimulatorOptions = {}): Promise<TestCluster> {
  // Simulated durations at 1/20: a pod is ready in a fraction of a second, a crash backoff starts at 0.5 s.
  const simulator = await startKubeSimulator({ ...options, cluster: { timeScale: TEST_TIME_SCALE, ...options.cluster } });
  const home = mkdtempSync(join(tmpdir(), 'kube-test-'));
  // Discovery and OpenAPI are disk-cached per host (trap 5): every cluster gets its own caches.
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: home,
    KUBECONFIG: simulator.kubeconfigPath,
    KUBECACHEDIR: join(home, 'kube-cache'),
    HELM_CACHE_HOME: join(home, 'helm-cache'),
    HELM_CONFIG_HOME: join(home, 'helm-config'),
    HELM_DATA_HOME: join(home, 'helm-data'),
  };
  const dispatcher = new Agent({ connect: { ca: simulator.caPem } });
  return {
    ...simulator,
    env,
    cli: async (binary, args) => {
      try {
        const { stdout } = await run(ensureLayerBinary(BIN_DIR, binary), args, { env, maxBuffer: 16 * 1024 * 1024 });
        return stdout;
      } catch (error) {
        const failed = error as { stderr?: string; message: string };
        throw new Error(`${binary} ${args.join(' ')} failed: ${failed.stderr ?? failed.message}`, { cause: error });
      }
    },
    spawnCli: (binary, args) => spawn(ensureLayerBinary(BIN_DIR, binary), args, { env, stdio: ['ignore', 'pipe', 'pipe'] }),
    api: (path, init = {}) => {
      const { token = simulator.token, ...rest } = init;
      const headers: Record<string, string> = { ...rest.headers };
      if (token) headers.Authorization = `Bearer ${token}`;
      return fetch(`${simulator.url}${path}`, { ...rest, headers, dispatcher });
    },
    stop: async () => {
      await simulator.close();
      await dispatcher.close();
      rmSync(home, { recursive: true, force: true });
    },
  };
}

/** Polls `check` until it returns a value other than undefined, or fails after `timeoutMs`. */
export async function eventually<T>(check: () => T | undefined | Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
