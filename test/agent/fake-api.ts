import { randomUUID } from 'node:crypto';
import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/**
 * An in-memory stand-in for the release system's agent API (`/v1/agent/*`), enough to drive the
 * real agent in tests: it records every call, hands out queued commands on the long poll, and can
 * go down, forget instances, or stop wanting a command.
 */

export type Call = { method: string; path: string; body: any; at: number };
export type Result = { status: 'completed' | 'failed' | 'cancelled'; version: string; error_message: string | null; output_tail: string };

/** `pollIntervalSeconds` set and `commandWaitSeconds: 0` behave like the API in AWS (no held polls). */
export type FakeApiOptions = { token?: string; heartbeatIntervalSeconds?: number; commandWaitSeconds?: number; pollIntervalSeconds?: number };

export type FakeApi = {
  url: string;
  token: string;
  calls: Call[];
  /** Registration bodies, in order. */
  registrations(instance?: string): any[];
  heartbeats(instance?: string): any[];
  acks(): string[];
  progress(commandId: string): any[];
  /** Results by command id (the last one delivered wins). */
  results: Map<string, Result>;
  /** Queues a command for an instance; fills in defaults and returns it. */
  send(instance: string, command: Partial<CommandSpec> & Pick<CommandSpec, 'type'>): CommandSpec;
  /** From now on progress and result calls for this command answer 409. */
  stopWanting(commandId: string): void;
  /** Forgets every registration: the next heartbeat/poll answers 404 with code 40003. */
  forgetInstances(): void;
  /** While down, every connection is destroyed without an answer (a network failure). */
  setDown(down: boolean): void;
  waitForResult(commandId: string, timeoutMs?: number): Promise<Result>;
  stop(): Promise<void>;
};

export type CommandSpec = {
  command_id: string;
  type: 'deploy' | 'rollback' | 'cancel';
  operation_id: string;
  version: string;
  package_url: string;
  sha256?: string | null;
  timeout_seconds: number;
  progress_interval_seconds: number;
  target_command_id?: string;
};

type Poll = { instance: string; respond: (commands: CommandSpec[]) => void };

export async function startFakeApi(options: FakeApiOptions = {}): Promise<FakeApi> {
  const token = options.token ?? `agent-token-${randomUUID()}`;
  const calls: Call[] = [];
  const registered = new Set<string>();
  const queues = new Map<string, CommandSpec[]>();
  const polls = new Set<Poll>();
  const unwanted = new Set<string>();
  const results = new Map<string, Result>();
  const sockets = new Set<Socket>();
  let down = false;

  const reply = (response: ServerResponse, status: number, code: number, message: string, data: unknown) => {
    response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ code, message, data }));
  };

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    if (down) {
      request.socket.destroy();
      return;
    }
    const url = new URL(request.url ?? '/', 'http://localhost');
    let text = '';
    for await (const chunk of request) text += String(chunk);
    const body = text ? JSON.parse(text) : undefined;
    calls.push({ method: request.method ?? '', path: url.pathname, body, at: Date.now() });
    if (request.headers.authorization !== `Bearer ${token}`) return reply(response, 401, 40100, 'unauthorized', null);

    if (request.method === 'POST' && url.pathname === '/v1/agent/register') {
      registered.add(body.instance_id);
      return reply(response, 200, 200, 'registered', {
        heartbeat_interval_seconds: options.heartbeatIntervalSeconds ?? 0.3,
        command_wait_seconds: options.commandWaitSeconds ?? 1,
        ...(options.pollIntervalSeconds === undefined ? {} : { poll_interval_seconds: options.pollIntervalSeconds }),
      });
    }
    if (request.method === 'POST' && url.pathname === '/v1/agent/heartbeat') {
      if (!registered.has(body.instance_id)) return reply(response, 404, 40003, 'instance not found', null);
      return reply(response, 200, 200, 'ok', {});
    }
    if (request.method === 'GET' && url.pathname === '/v1/agent/commands') {
      const instance = url.searchParams.get('instance_id') ?? '';
      if (!registered.has(instance)) return reply(response, 404, 40003, 'instance not found', null);
      const queued = queues.get(instance) ?? [];
      if (queued.length > 0) {
        queues.set(instance, []);
        return reply(response, 200, 200, 'ok', { commands: queued });
      }
      const wait = Number(url.searchParams.get('wait') ?? '0');
      const poll: Poll = {
        instance,
        respond: (commands) => {
          polls.delete(poll);
          clearTimeout(timer);
          if (!response.writableEnded && !response.destroyed) reply(response, 200, 200, 'ok', { commands });
        },
      };
      const timer = setTimeout(() => poll.respond([]), wait * 1000);
      polls.add(poll);
      response.on('close', () => {
        polls.delete(poll);
        clearTimeout(timer);
      });
      return;
    }
    const match = /^\/v1\/agent\/commands\/([^/]+)\/(ack|progress|result)$/.exec(url.pathname);
    if (request.method === 'POST' && match) {
      const commandId = decodeURIComponent(match[1]!);
      if (match[2] !== 'ack' && unwanted.has(commandId)) return reply(response, 409, 40901, 'command no longer wanted', null);
      if (match[2] === 'result') results.set(commandId, body);
      return reply(response, 200, 200, 'ok', {});
    }
    return reply(response, 404, 40400, 'no such route', null);
  };

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => reply(response, 500, 50000, String(error), null));
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const bodiesOf = (path: string, instance?: string) =>
    calls.filter((call) => call.path === path && (instance === undefined || call.body?.instance_id === instance)).map((call) => call.body);

  return {
    url,
    token,
    calls,
    results,
    registrations: (instance) => bodiesOf('/v1/agent/register', instance),
    heartbeats: (instance) => bodiesOf('/v1/agent/heartbeat', instance),
    acks: () => calls.filter((call) => call.path.endsWith('/ack')).map((call) => decodeURIComponent(call.path.split('/')[4]!)),
    progress: (commandId) => calls.filter((call) => call.path === `/v1/agent/commands/${encodeURIComponent(commandId)}/progress`).map((call) => call.body),
    send(instance, spec) {
      const command: CommandSpec = {
        command_id: `cmd-${randomUUID()}`,
        operation_id: `op-${randomUUID()}`,
        version: '',
        package_url: '',
        timeout_seconds: 60,
        progress_interval_seconds: 1,
        ...spec,
      };
      const waiting = [...polls].find((poll) => poll.instance === instance);
      if (waiting) waiting.respond([command]);
      else queues.set(instance, [...(queues.get(instance) ?? []), command]);
      return command;
    },
    stopWanting: (commandId) => void unwanted.add(commandId),
    forgetInstances: () => registered.clear(),
    setDown(value) {
      down = value;
      if (value) {
        for (const poll of polls) poll.respond([]);
        for (const socket of sockets) socket.destroy();
      }
    },
    async waitForResult(commandId, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      while (!results.has(commandId)) {
        if (Date.now() > deadline)
          throw new Error(
            `no result for ${commandId} within ${timeoutMs} ms; calls: ${calls
              .slice(-10)
              .map((call) => `${call.method} ${call.path}`)
              .join(', ')}`,
          );
        await new Promise((wake) => setTimeout(wake, 50));
      }
      return results.get(commandId)!;
    },
    async stop() {
      for (const poll of polls) poll.respond([]);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Polls `check` until it returns something truthy; fails with `what` after `timeoutMs`. */
export async function waitFor<T>(what: string, check: () => T | Promise<T>, timeoutMs = 15_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((wake) => setTimeout(wake, 50));
  }
}
