import { spawn } from 'node:child_process';
import { Socket } from 'node:net';
import type { Readable } from 'node:stream';
import { sleep } from './backoff.js';
import type { Hook } from './deploy-json.js';
import { HookFailedError } from './errors.js';
import type { Logger } from './logger.js';
import type { OutputTail } from './output-tail.js';

export type RunHookOptions = {
  /** Hook name as in deploy.json, or a label such as `start (revert to v1)`. */
  name: string;
  hook: Hook;
  cwd: string;
  env: Record<string, string>;
  output: OutputTail;
  /** Aborting kills the hook's process group and rejects with `signal.reason`. */
  signal: AbortSignal;
  logger: Logger;
};

/** How long to keep reading output after the shell exits, for what is still in the pipe. */
const DRAIN_MS = 200;

/**
 * Runs a hook with `sh -c` in its own process group, capturing stdout and stderr into `output`.
 * On timeout or abort the whole group is killed, so the hook's children die with it. A hook that
 * leaves a daemon behind (a `start` hook) is done when the shell exits; the daemon keeps running.
 */
export async function runHook(options: RunHookOptions): Promise<void> {
  const { name, hook, output, signal } = options;
  if (signal.aborted) throw signal.reason;
  output.append(`==> ${name}: ${hook.command}\n`);
  options.logger.info('hook.started', { hook: name, command: hook.command, timeout_seconds: hook.timeout_seconds });
  const started = Date.now();

  const child = spawn('sh', ['-c', hook.command], {
    cwd: options.cwd,
    env: { ...hookBaseEnv(), ...options.env },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const capture = (chunk: Buffer) => output.append(chunk);
  child.stdout.on('data', capture);
  child.stderr.on('data', capture);

  let ending: 'timeout' | 'abort' | null = null;
  const killGroup = () => {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  };
  const timer = setTimeout(() => {
    ending ??= 'timeout';
    killGroup();
  }, hook.timeout_seconds * 1000);
  const onAbort = () => {
    ending ??= 'abort';
    killGroup();
  };
  signal.addEventListener('abort', onAbort, { once: true });

  // Both listeners from the start: `close` can follow `exit` within the same tick.
  const closed = new Promise((resolve) => child.once('close', resolve));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; error?: Error }>((resolve) => {
    child.once('exit', (code, exitSignal) => resolve({ code, signal: exitSignal }));
    child.once('error', (error) => resolve({ code: null, signal: null, error }));
  });
  let exit: Awaited<typeof exited>;
  try {
    exit = await exited;
    await Promise.race([closed, sleep(DRAIN_MS)]);
  } finally {
    clearTimeout(timer);
    signal.removeEventListener('abort', onAbort);
    release(child.stdout, capture);
    release(child.stderr, capture);
  }

  const seconds = Math.round((Date.now() - started) / 100) / 10;
  options.logger.info('hook.finished', { hook: name, exit_code: exit.code, signal: exit.signal, ending, seconds });
  if (ending === 'abort') throw signal.reason;
  if (ending === 'timeout') throw new HookFailedError(name, `timed out after ${hook.timeout_seconds} s and was killed`);
  if (exit.error) throw new HookFailedError(name, `could not be started: ${exit.error.message}`);
  if (exit.code !== 0)
    throw new HookFailedError(name, exit.code === null ? `was killed by ${exit.signal ?? 'a signal'}` : `failed with exit code ${exit.code}`);
}

/**
 * Stops capturing a pipe without closing it: a daemon started by the hook may still hold the other
 * end, and closing ours would kill it with SIGPIPE on its next write. Its output is discarded and
 * the pipe no longer keeps the agent's event loop alive.
 */
function release(stream: Readable, capture: (chunk: Buffer) => void): void {
  stream.off('data', capture);
  stream.resume();
  if (stream instanceof Socket) stream.unref();
}

/** The agent's environment minus its own `AGENT_*` settings: package code must not see the API token. */
function hookBaseEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('AGENT_')));
}
