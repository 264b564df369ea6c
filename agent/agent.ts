import { hostname } from 'node:os';
import type { Dispatcher } from 'undici';
import { AgentApi, type AgentStatus } from './agent-api.js';
import { ApiClient } from './api-client.js';
import { backoffDelayMs, sleep } from './backoff.js';
import { CommandRunner } from './command-runner.js';
import { describeCause } from './errors.js';
import { DEFAULT_KEEP_RELEASES } from './keep-releases.js';
import { type LogLevel, type LogSink, type Logger, createLogger } from './logger.js';
import { parseCommand } from './protocol.js';
import { clearDownloads, clearLeftovers, ensureWorkFolders, readCurrentVersion, workPaths } from './releases.js';
import { ResultOutbox } from './result-outbox.js';
import { StateStore } from './state-store.js';
import { createDispatcher, isLoopback } from './transport.js';

export type AgentOptions = {
  /** Base URL of the release-system API. */
  api: string;
  token: string;
  service: string;
  instanceId: string;
  /** Work folder: `releases/`, `current`, `downloads/`, `state.json`. */
  dir: string;
  /** @default os.hostname() */
  host?: string;
  /** Port the service listens on, reported at registration. @default 0 */
  port?: number;
  /** Version running before the agent manages any release (reported while `current` is absent). @default 'unknown' */
  version?: string;
  metadata?: Record<string, string>;
  /** Extra CA bundle (PEM) trusted for the API and package downloads. */
  caPem?: string;
  /** Share one connection pool between many agents in one process; not closed by `stop()`. */
  dispatcher?: Dispatcher;
  /** @default 'info' */
  logLevel?: LogLevel;
  /** @default one line per event to stdout */
  logSink?: LogSink;
  /** Releases kept on disk, current included. @default 5 */
  keepReleases?: number;
};

export type RunningAgent = {
  /** Resolves after the first successful registration. */
  registered: Promise<void>;
  /** Graceful stop: interrupts the running command, delivers what it can, heartbeats `stopped`. */
  stop(): Promise<void>;
};

/** How long `stop()` keeps trying to deliver results and the last heartbeat. */
const STOP_DELIVERY_MS = 3_000;
/** Without `poll_interval_seconds`, an empty answer faster than this waits out the rest: never spin. */
const MIN_EMPTY_POLL_MS = 500;

/**
 * Starts a deploy agent: recovers from a previous run (a command in flight is reported failed),
 * registers, then heartbeats, long-polls for commands and runs them one at a time.
 */
export async function startAgent(options: AgentOptions): Promise<RunningAgent> {
  const logger = createLogger({ service: options.service, instance_id: options.instanceId }, options.logLevel ?? 'info', options.logSink);
  const paths = workPaths(options.dir);
  await ensureWorkFolders(paths);
  const { store, problem } = await StateStore.load(paths.dir);
  if (problem) logger.error('state.reset', { error: problem.message });
  const fallbackVersion = options.version ?? 'unknown';
  await recoverFromRestart(store, logger, (await readCurrentVersion(paths)) ?? fallbackVersion);
  await clearDownloads(paths);
  await clearLeftovers(paths);

  const dispatcher = options.dispatcher ?? createDispatcher(options.caPem);
  const status: AgentStatus = { version: (await readCurrentVersion(paths)) ?? fallbackVersion, state: 'running' };
  const api = new AgentApi(
    new ApiClient({ api: options.api, token: options.token, dispatcher }),
    { service: options.service, instanceId: options.instanceId, host: options.host ?? hostname(), port: options.port ?? 0, metadata: options.metadata ?? {} },
    () => status,
    logger,
  );
  const outbox = new ResultOutbox(store, api, logger);
  const runner = new CommandRunner({
    store,
    api,
    outbox,
    paths,
    dispatcher,
    logger,
    fallbackVersion,
    keep: options.keepReleases ?? DEFAULT_KEEP_RELEASES,
    onFinished(result, versionBefore) {
      status.version = result.version;
      // A failed command that could not put the previous version back leaves the instance broken.
      status.state = result.status !== 'completed' && result.version !== versionBefore ? 'error' : 'running';
    },
  });

  const lifetime = new AbortController();
  const apiUrl = new URL(options.api);
  // Allowed (the local runtime is plain HTTP), but the Bearer token then crosses the network in clear.
  if (apiUrl.protocol === 'http:' && !isLoopback(apiUrl)) logger.warn('agent.insecure_api', { api: apiUrl.origin });
  logger.info('agent.started', { dir: paths.dir, version: status.version, pending_results: store.get().pending_results.length });
  const registered = api.register(lifetime.signal);
  const loops = registered.then(
    () => {
      outbox.start();
      runner.start();
      return Promise.all([heartbeatLoop(api, lifetime.signal), pollLoop(api, runner, logger, lifetime.signal)]);
    },
    () => undefined,
  );

  let stopping: Promise<void> | null = null;
  const stop = () =>
    (stopping ??= (async () => {
      logger.info('agent.stopping', {});
      lifetime.abort();
      await loops;
      await runner.stop();
      const deadline = AbortSignal.timeout(STOP_DELIVERY_MS);
      await outbox.stop(deadline);
      status.state = 'stopped';
      await api.heartbeat(deadline, 'stopped');
      await store.flushed();
      if (!options.dispatcher) await dispatcher.destroy();
      logger.info('agent.stopped', { pending_results: store.get().pending_results.length });
    })());
  return { registered: registered.catch(() => undefined), stop };
}

/**
 * A command that was running when the agent died is reported failed, never left hanging, and
 * commands acked but not started are reported failed too; the API may dispatch them again.
 */
async function recoverFromRestart(store: StateStore, logger: Logger, version: string): Promise<void> {
  const { in_flight: inFlight, queued } = store.get();
  if (!inFlight && queued.length === 0) return;
  const now = new Date().toISOString();
  await store.update((state) => {
    const orphans = [
      ...(inFlight ? [{ command: inFlight.command, message: `agent restarted while the command was running (step ${inFlight.step})` }] : []),
      ...queued.map((command) => ({ command, message: 'agent restarted before the command started' })),
    ];
    for (const { command, message } of orphans) {
      state.pending_results.push({
        command_id: command.command_id,
        operation_id: command.operation_id,
        result: { status: 'failed', version, error_message: message, output_tail: '' },
        finished_at: now,
      });
      state.recent_command_ids.push(command.command_id);
      logger.warn('command.orphaned', { command_id: command.command_id, error: message });
    }
    state.in_flight = null;
    state.queued = [];
  });
}

async function heartbeatLoop(api: AgentApi, signal: AbortSignal): Promise<void> {
  while (!signal.aborted) {
    await sleep(api.intervals.heartbeat_interval_seconds * 1000, signal);
    if (!signal.aborted) await api.heartbeat(signal);
  }
}

async function pollLoop(api: AgentApi, runner: CommandRunner, logger: Logger, signal: AbortSignal): Promise<void> {
  for (let failures = 0; !signal.aborted;) {
    const started = Date.now();
    let commands: unknown[];
    try {
      commands = await api.poll(signal);
      failures = 0;
    } catch (error) {
      if (signal.aborted) return;
      logger.warn('commands.poll_failed', { attempt: failures, error: describeCause(error) });
      await sleep(backoffDelayMs(failures++), signal);
      continue;
    }
    for (const raw of commands) await receive(api, runner, logger, raw, signal);
    if (commands.length === 0) {
      const pollInterval = api.intervals.poll_interval_seconds;
      await sleep(pollInterval === undefined ? MIN_EMPTY_POLL_MS - (Date.now() - started) : pollInterval * 1000, signal);
    }
  }
}

/** Acks a command, then queues it, cancels with it, or answers it failed when it does not parse. */
async function receive(api: AgentApi, runner: CommandRunner, logger: Logger, raw: unknown, signal: AbortSignal): Promise<void> {
  const parsed = parseCommand(raw);
  if (!parsed.ok && parsed.commandId === null) {
    logger.error('command.unreadable', { error: parsed.error });
    return;
  }
  const commandId = parsed.ok ? parsed.command.command_id : parsed.commandId;
  const duplicate = runner.knows(commandId);
  let ack;
  try {
    ack = await api.ack(commandId, signal);
  } catch (error) {
    if (signal.aborted) return;
    // The API will likely deliver it again; working on it now is still right (redeliveries are ignored).
    logger.warn('command.ack_failed', { command_id: commandId, error: describeCause(error) });
  }
  if (duplicate) {
    logger.info('command.duplicate_ignored', { command_id: commandId });
    return;
  }
  if (ack === 'gone' || ack === 'rejected') {
    logger.warn('command.not_wanted', { command_id: commandId, ack });
    return;
  }
  if (!parsed.ok) {
    logger.error('command.invalid', { command_id: commandId, error: parsed.error });
    await runner.reject(commandId, parsed.operationId, `invalid command: ${parsed.error}`);
    return;
  }
  const { command } = parsed;
  logger.info('command.received', { command_id: command.command_id, type: command.type, version: command.version || null, operation_id: command.operation_id });
  if (command.type === 'cancel') await runner.cancel(command);
  else await runner.enqueue(command);
}
