import { type ChildProcess, spawn } from 'node:child_process';
import { readlinkSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = resolve(fileURLToPath(import.meta.url), '../../..');
/** Node 24 from the `node` devDependency; the system node may be older. */
const NODE = join(REPO, 'node_modules/.bin/node');

export type SpawnAgentOptions = {
  api: string;
  token: string;
  service: string;
  instance: string;
  /** Extra CA (the package server's `caFile`). */
  caFile?: string;
  /** `--version`: what runs before the agent manages a release. */
  version?: string;
  host?: string;
  port?: number;
  metadata?: Record<string, string>;
  /** @default 'debug', so tests can see heartbeats */
  logLevel?: 'debug' | 'info' | 'warn' | 'error';
  /** Work folder; a fresh temporary one by default. */
  dir?: string;
};

/** One JSON log line of the agent (`event` is the stable name to match on). */
export type AgentLogLine = { time: string; level: string; event: string; [field: string]: unknown };

export type SpawnedAgent = {
  dir: string;
  /** Process id of the current run. */
  readonly pid: number | undefined;
  readonly running: boolean;
  /** Parsed log lines of every run so far, oldest first. */
  logs(): AgentLogLine[];
  /** Anything the agent wrote to stderr (crashes, option errors). */
  stderr(): string;
  /** Resolves with the first log line (of any run) matching; rejects after `timeoutMs`. */
  waitForLog(match: string | ((line: AgentLogLine) => boolean), timeoutMs?: number): Promise<AgentLogLine>;
  /** Where `<dir>/current` points (`releases/<version>`), or null. */
  currentTarget(): string | null;
  /** The version `current` points at, or null. */
  currentVersion(): string | null;
  /** Resolves with the exit code once the current run ends by itself (null when killed by a signal). */
  waitForExit(): Promise<number | null>;
  /** SIGKILL, like a crash or power loss; resolves once the process is gone. */
  kill(): Promise<void>;
  /** SIGTERM (graceful stop); resolves with the exit code. */
  stop(timeoutMs?: number): Promise<number | null>;
  /** Starts the CLI again on the same folder (after kill or stop). */
  restart(): Promise<void>;
  /** Kills the agent if it still runs and deletes its folder. */
  dispose(): Promise<void>;
};

/**
 * Starts the real agent CLI (`node --import tsx agent/cli.ts …`) as a child process in a fresh
 * temporary folder; its JSON log lines are collected for assertions.
 */
export async function spawnAgent(options: SpawnAgentOptions): Promise<SpawnedAgent> {
  const dir = options.dir ?? (await mkdtemp(join(tmpdir(), `agent-${options.instance}-`)));
  const lines: AgentLogLine[] = [];
  let stderr = '';
  let child: ChildProcess | null = null;
  let exited: Promise<number | null> = Promise.resolve(null);

  const args = [
    '--import',
    'tsx',
    'agent/cli.ts',
    '--api',
    options.api,
    '--token',
    options.token,
    '--service',
    options.service,
    '--instance',
    options.instance,
    '--dir',
    dir,
    '--log-level',
    options.logLevel ?? 'debug',
  ];
  if (options.caFile) args.push('--ca', options.caFile);
  if (options.version) args.push('--version', options.version);
  if (options.host) args.push('--host', options.host);
  if (options.port !== undefined) args.push('--port', String(options.port));
  if (options.metadata)
    args.push(
      '--metadata',
      Object.entries(options.metadata)
        .map(([key, value]) => `${key}=${value}`)
        .join(','),
    );
  // Flags are the whole configuration: AGENT_* variables of the test run must not leak in.
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('AGENT_')));

  const launch = () => {
    const process_ = spawn(NODE, args, { cwd: REPO, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let pending = '';
    process_.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      pending += chunk;
      const complete = pending.split('\n');
      pending = complete.pop() ?? '';
      for (const line of complete) {
        if (!line.trim()) continue;
        try {
          lines.push(JSON.parse(line) as AgentLogLine);
        } catch {
          lines.push({ time: new Date().toISOString(), level: 'raw', event: 'raw', text: line });
        }
      }
    });
    process_.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    exited = new Promise((done) => process_.once('exit', (code) => done(code)));
    child = process_;
  };
  const isRunning = () => child !== null && child.exitCode === null && child.signalCode === null;
  launch();

  const readCurrent = () => {
    try {
      return readlinkSync(join(dir, 'current'));
    } catch {
      return null;
    }
  };

  const agent: SpawnedAgent = {
    dir,
    get pid() {
      return child?.pid;
    },
    get running() {
      return isRunning();
    },
    logs: () => [...lines],
    stderr: () => stderr,
    async waitForLog(match, timeoutMs = 15_000) {
      const test = typeof match === 'string' ? (line: AgentLogLine) => line.event === match : match;
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = lines.find(test);
        if (found) return found;
        if (Date.now() > deadline) {
          const tail = lines
            .slice(-15)
            .map((line) => JSON.stringify(line))
            .join('\n');
          throw new Error(
            `agent log line ${typeof match === 'string' ? match : 'matching predicate'} not seen within ${timeoutMs} ms; last lines:\n${tail}\nstderr: ${stderr.slice(-2000)}`,
          );
        }
        await new Promise((wake) => setTimeout(wake, 50));
      }
    },
    currentTarget: readCurrent,
    currentVersion: () => {
      const target = readCurrent();
      return target === null ? null : basename(target);
    },
    waitForExit: () => exited,
    async kill() {
      if (isRunning()) child?.kill('SIGKILL');
      await exited;
    },
    async stop(timeoutMs = 15_000) {
      if (!isRunning()) return exited;
      child?.kill('SIGTERM');
      const timer = setTimeout(() => child?.kill('SIGKILL'), timeoutMs);
      try {
        return await exited;
      } finally {
        clearTimeout(timer);
      }
    },
    async restart() {
      if (isRunning()) throw new Error('agent is still running; kill() or stop() it first');
      launch();
    },
    async dispose() {
      await agent.kill();
      if (!options.dir) await rm(dir, { recursive: true, force: true });
    },
  };
  return agent;
}
