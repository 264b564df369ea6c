import { afterAll, beforeAll, expect } from 'vitest';
import type { SpawnedAgent } from '../helpers/agents.js';
import { spawnAgent } from '../helpers/agents.js';
import type { PackageServer } from '../helpers/packages.js';
import { startPackageServer } from '../helpers/packages.js';
import type { TestRuntime } from '../helpers/runtime.js';
import { startTestRuntime } from '../helpers/runtime.js';

/** Polls `read` until `done` holds (or the deadline passes, failing with the last value). */
export async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last = await read();
  while (!done(last)) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms; last value: ${JSON.stringify(last).slice(0, 2000)}`);
    await new Promise((r) => setTimeout(r, 200));
    last = await read();
  }
  return last;
}

/** A token of a new `agent` user bound to `service` (POST /admin/users), as an operator gives an agent its token. */
export async function createAgentToken(rt: TestRuntime, service: string, name = `agent-${service}`): Promise<string> {
  const reply = await rt.call('POST', '/admin/users', { body: { name, role: 'agent', service } });
  expect(reply.status, reply.text).toBe(201);
  return reply.body.data.token as string;
}

/** A fleet of real agent processes of one service, registered with the API with an agent token of that service. */
export async function startFleet(
  rt: TestRuntime,
  pkg: PackageServer,
  service: string,
  count: number,
  version = 'v1.0.0',
): Promise<{ agents: SpawnedAgent[]; token: string; ids: string[] }> {
  const token = await createAgentToken(rt, service);
  const ids = Array.from({ length: count }, (_, i) => `${service}-${i + 1}`);
  const agents = await Promise.all(
    ids.map((instance, i) =>
      spawnAgent({
        api: rt.url,
        token,
        service,
        instance,
        caFile: pkg.caFile,
        version,
        host: `10.0.0.${i + 1}`,
        port: 8080,
        metadata: { region: 'us-west-1', zone: `us-west-1${'abc'[i % 3]}` },
      }),
    ),
  );
  await until(
    () => rt.call('GET', `/v1/service/${service}/instances`),
    (r) => r.body?.data?.total === count,
  );
  return { agents, token, ids };
}

/** Waits until the operation has ended and returns its status. */
export async function untilEnded(rt: TestRuntime, path: string, timeoutMs = 90_000) {
  const reply = await until(
    () => rt.call('GET', path),
    (r) => ['completed', 'failed', 'cancelled'].includes(r.body?.data?.status) && r.body.data.progress.pending === 0 && r.body.data.progress.in_progress === 0,
    timeoutMs,
  );
  expect(reply.status).toBe(200);
  return reply.body.data;
}

export type FleetContext = { rt: TestRuntime; pkg: PackageServer; agents: SpawnedAgent[]; ids: string[] };

/**
 * For a test file: a package server with a test CA, the local cloud trusting it (heartbeats every
 * second), and `count` real agents of `service`; all torn down after the file.
 */
export function useFleet(service: string, count: number, setup?: (ctx: FleetContext) => Promise<void>): FleetContext {
  const ctx = { agents: [], ids: [] } as unknown as FleetContext;
  beforeAll(async () => {
    ctx.pkg = await startPackageServer();
    ctx.rt = await startTestRuntime({ packageCaFile: ctx.pkg.caFile, agentHeartbeatSeconds: 1 });
    const fleet = await startFleet(ctx.rt, ctx.pkg, service, count);
    ctx.agents = fleet.agents;
    ctx.ids = fleet.ids;
    await setup?.(ctx);
  });
  afterAll(async () => {
    await Promise.all(ctx.agents.map((a) => a.dispose()));
    await ctx.rt?.close();
    await ctx.pkg?.stop();
  });
  return ctx;
}
