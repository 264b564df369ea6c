import * as z from 'zod';
import type { ApiClient } from './api-client.js';
import { isGone, isRetryable } from './api-client.js';
import { backoffDelayMs, sleep } from './backoff.js';
import { ApiError, describeCause } from './errors.js';
import type { Logger } from './logger.js';
import type { AgentState, CommandResult, RegisterData } from './protocol.js';
import { CommandsDataSchema, EmptyDataSchema, RegisterDataSchema, UNKNOWN_INSTANCE_CODE } from './protocol.js';

export type AgentIdentity = {
  service: string;
  instanceId: string;
  host: string;
  port: number;
  metadata: Record<string, string>;
};

/** What the instance reports about itself at registration and in heartbeats. */
export type AgentStatus = { version: string; state: AgentState };

/** How long a call other than the long poll may take before it counts as a network failure. */
const CALL_TIMEOUT_MS = 30_000;
/** Grace on top of `command_wait_seconds` for a long poll's answer to arrive. */
const POLL_GRACE_MS = 15_000;

/** The API refuses longer texts (400), which would leave a result undeliverable. */
const MAX_ERROR_MESSAGE = 4096;
const MAX_PROGRESS_MESSAGE = 1024;

/** Until the API says otherwise (the register answer). */
const DEFAULT_INTERVALS: RegisterData = { heartbeat_interval_seconds: 30, command_wait_seconds: 20 };

export type DeliveryOutcome = 'delivered' | 'gone' | 'rejected';

/**
 * The agent protocol (`/v1/agent/*`) for one instance, with the retry rules: every call retries
 * network failures, 5xx and 429 with backoff, and any call answered 404/40003 registers the
 * instance again first.
 */
export class AgentApi {
  intervals: RegisterData = DEFAULT_INTERVALS;
  private registering: Promise<void> | null = null;

  constructor(
    private readonly client: ApiClient,
    private readonly identity: AgentIdentity,
    private readonly status: () => AgentStatus,
    private readonly logger: Logger,
  ) {}

  /** Registers, retrying until it succeeds or `signal` aborts; concurrent callers share one attempt. */
  register(signal: AbortSignal): Promise<void> {
    this.registering ??= this.registerUntilDone(signal).finally(() => {
      this.registering = null;
    });
    return this.registering;
  }

  private async registerUntilDone(signal: AbortSignal): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      const { version, state } = this.status();
      try {
        this.intervals = await this.client.call({
          method: 'POST',
          path: '/v1/agent/register',
          body: {
            service: this.identity.service,
            instance_id: this.identity.instanceId,
            host: this.identity.host,
            port: this.identity.port,
            version,
            state,
            metadata: this.identity.metadata,
          },
          schema: RegisterDataSchema,
          timeoutMs: CALL_TIMEOUT_MS,
          signal,
        });
        this.logger.info('agent.registered', { version, state, ...this.intervals });
        return;
      } catch (error) {
        if (signal.aborted) throw error;
        // Even a 4xx (bad token, unknown service) may be fixed on the server side: keep trying, slowly.
        this.logger.warn('agent.register_failed', { attempt, error: describeCause(error) });
        await sleep(backoffDelayMs(attempt, retryAfter(error)), signal);
      }
    }
  }

  /** One heartbeat; failures are logged and the next tick tries again. */
  async heartbeat(signal: AbortSignal, state?: AgentState): Promise<boolean> {
    const status = this.status();
    try {
      await this.once(signal, () =>
        this.client.call({
          method: 'POST',
          path: '/v1/agent/heartbeat',
          body: { service: this.identity.service, instance_id: this.identity.instanceId, version: status.version, state: state ?? status.state },
          schema: EmptyDataSchema,
          timeoutMs: CALL_TIMEOUT_MS,
          signal,
        }),
      );
      this.logger.debug('agent.heartbeat', { version: status.version, state: state ?? status.state });
      return true;
    } catch (error) {
      if (!signal.aborted) this.logger.warn('agent.heartbeat_failed', { error: describeCause(error) });
      return false;
    }
  }

  /** One long poll; throws on failure so the poll loop can back off. */
  async poll(signal: AbortSignal): Promise<unknown[]> {
    const wait = this.intervals.command_wait_seconds;
    const data = await this.once(signal, () =>
      this.client.call({
        method: 'GET',
        path: '/v1/agent/commands',
        // The API takes whole seconds.
        query: { service: this.identity.service, instance_id: this.identity.instanceId, wait: String(Math.round(wait)) },
        schema: CommandsDataSchema,
        timeoutMs: wait * 1000 + POLL_GRACE_MS,
        signal,
      }),
    );
    return data.commands;
  }

  /** Acknowledges receipt; `gone` when the server no longer wants the command. */
  ack(commandId: string, signal: AbortSignal): Promise<DeliveryOutcome> {
    return this.deliver(signal, `/v1/agent/commands/${encodeURIComponent(commandId)}/ack`, {}, { maxAttempts: 8 });
  }

  /** One progress report (the next interval is the retry); `gone` means stop working on it. */
  async progress(commandId: string, body: { message: string; output_tail: string }, signal: AbortSignal): Promise<DeliveryOutcome | 'failed'> {
    try {
      const bounded = { message: body.message.slice(0, MAX_PROGRESS_MESSAGE), output_tail: body.output_tail };
      return await this.deliver(signal, `/v1/agent/commands/${encodeURIComponent(commandId)}/progress`, bounded, { maxAttempts: 1 });
    } catch (error) {
      if (!signal.aborted) this.logger.warn('command.progress_failed', { command_id: commandId, error: describeCause(error) });
      return 'failed';
    }
  }

  /** Delivers a result, retrying until the API takes it, refuses it for good, or `signal` aborts. */
  result(commandId: string, result: CommandResult, signal: AbortSignal): Promise<DeliveryOutcome> {
    const bounded = { ...result, error_message: result.error_message?.slice(0, MAX_ERROR_MESSAGE) ?? null };
    return this.deliver(signal, `/v1/agent/commands/${encodeURIComponent(commandId)}/result`, bounded, { maxAttempts: Infinity });
  }

  private async deliver(signal: AbortSignal, path: string, body: unknown, { maxAttempts }: { maxAttempts: number }): Promise<DeliveryOutcome> {
    for (let attempt = 0; ; attempt++) {
      try {
        await this.once(signal, () => this.client.call({ method: 'POST', path, body, schema: z.unknown(), timeoutMs: CALL_TIMEOUT_MS, signal }));
        return 'delivered';
      } catch (error) {
        if (isGone(error)) return 'gone';
        if (signal.aborted) throw error;
        if (!isRetryable(error)) {
          this.logger.error('agent.call_rejected', { path, error: describeCause(error) });
          return 'rejected';
        }
        if (attempt + 1 >= maxAttempts) throw error;
        this.logger.warn('agent.call_retrying', { path, attempt, error: describeCause(error) });
        await sleep(backoffDelayMs(attempt, retryAfter(error)), signal);
      }
    }
  }

  /** Runs a call; when the API has forgotten the instance, registers again and repeats it once. */
  private async once<T>(signal: AbortSignal, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      if (!isUnknownInstance(error) || signal.aborted) throw error;
      this.logger.warn('agent.instance_unknown', { error: describeCause(error) });
      await this.register(signal);
      return call();
    }
  }
}

function isUnknownInstance(error: unknown): boolean {
  return error instanceof ApiError && error.status === 404 && error.code === UNKNOWN_INSTANCE_CODE;
}

function retryAfter(error: unknown): number {
  return error instanceof ApiError ? (error.retryAfterMs ?? 0) : 0;
}
