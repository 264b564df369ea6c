import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunningAgent } from '../agent/agent.js';
import { startAgent } from '../agent/agent.js';
import { createDispatcher } from '../agent/transport.js';
import { buildPackage } from '../test/helpers/packages.js';
import type { BenchServer } from './server.js';
import { BENCH_TOKEN, startServer, unitsDuring } from './server.js';

const INSTANCES = 200;
const CONCURRENCY = 50;
/** Per-instance work: the package's start hook sleeps this long. */
const WORK_SECONDS = 2;

/**
 * Release-system figures against `npm start`: 200 lightweight agents in this process (one shared
 * connection pool), one deployment with max_concurrency 50 whose start hook takes 2 s; its wall time
 * against the ideal, the state transitions per instance, and the API calls per instance.
 */
export async function benchFleet(): Promise<string[]> {
  const server = await startServer({ env: { AGENT_HEARTBEAT_SECONDS: '10' } });
  const packages = createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'application/gzip' });
    res.end(req.method === 'HEAD' ? undefined : archive);
  });
  const archive = buildPackage({ 'app.txt': 'bench' }, { hooks: { start: { command: `sleep ${WORK_SECONDS}`, timeout_seconds: 60 } } });
  await new Promise<void>((done) => packages.listen(0, '127.0.0.1', done));
  const address = packages.address();
  const packageUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/bench-v2.tar.gz`;
  const root = mkdtempSync(join(tmpdir(), 'bench-agents-'));
  const dispatcher = createDispatcher();
  const agents: RunningAgent[] = [];
  try {
    const token = (
      (await (await server.call('POST', '/admin/users', { name: 'bench-agents', role: 'agent', service: 'bench-service' })).json()) as {
        data: { token: string };
      }
    ).data.token;
    const ids = Array.from({ length: INSTANCES }, (_, i) => `bench-${String(i).padStart(3, '0')}`);
    const registerStart = performance.now();
    for (const id of ids)
      agents.push(
        await startAgent({
          api: server.base,
          token,
          service: 'bench-service',
          instanceId: id,
          dir: join(root, id),
          version: 'v1',
          dispatcher,
          logLevel: 'silent',
        }),
      );
    await Promise.all(agents.map((a) => a.registered));
    const registerMs = performance.now() - registerStart;

    let wallMs = 0;
    let status: { status: string; progress: Record<string, number> } = { status: '', progress: {} };
    const usage = await unitsDuring(server, async () => {
      const t0 = performance.now();
      const reply = await server.call('POST', '/v1/deploy/execute', {
        service: 'bench-service',
        version: 'v2',
        instances: ids,
        package_url: packageUrl,
        deploy_id: 'bench-deploy-1',
        max_concurrency: CONCURRENCY,
        timeout: 120,
        retry_count: 0,
      });
      if (reply.status !== 200) throw new Error(`deploy refused: ${reply.status} ${await reply.text()}`);
      for (;;) {
        status = ((await (await server.call('GET', '/v1/deploy/status/bench-deploy-1')).json()) as { data: typeof status }).data;
        if (['completed', 'failed', 'cancelled'].includes(status.status)) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      wallMs = performance.now() - t0;
    });
    const ideal = (INSTANCES / CONCURRENCY) * WORK_SECONDS;
    const transitions = await transitionsPerInstance(server);
    const agentCalls = Object.entries(usage.requests)
      .filter(([route]) => route.includes('/v1/agent/'))
      .reduce((sum, [, n]) => sum + n, 0);
    const byRoute = Object.entries(usage.requests)
      .filter(([route]) => route.includes('/v1/agent/'))
      .map(([route, n]) => `${route.replace('/v1/agent', '')} ${(n / INSTANCES).toFixed(1)}`)
      .join(', ');
    return [
      `${INSTANCES} agents registered in ${(registerMs / 1000).toFixed(1)} s`,
      `deploy of ${INSTANCES} instances, max_concurrency ${CONCURRENCY}, ${WORK_SECONDS} s of work each: ${(wallMs / 1000).toFixed(1)} s wall time against an ideal of ${ideal.toFixed(1)} s (${status.status}: ${status.progress.completed ?? 0} completed, ${status.progress.failed ?? 0} failed)`,
      `state transitions per instance (child execution, one attempt): ${transitions.perInstance.toFixed(1)}; parent execution: ${transitions.parent}`,
      `API calls per instance during the deploy: ${(agentCalls / INSTANCES).toFixed(1)} agent calls (${byRoute})`,
      `DynamoDB units per instance deployed: ${(usage.read / INSTANCES).toFixed(1)} RCU + ${(usage.write / INSTANCES).toFixed(1)} WCU (agents' polls and heartbeats included)`,
    ];
  } finally {
    await Promise.all(agents.map((a) => a.stop()));
    await dispatcher.close();
    packages.close();
    await server.stop();
    rmSync(root, { recursive: true, force: true });
  }
}

/** Counts `*StateEntered` events (Step Functions bills state transitions) from the local runner's history. */
async function transitionsPerInstance(server: BenchServer): Promise<{ perInstance: number; parent: number }> {
  type View = { history?: { type: string }[] };
  const view = async (name: string) =>
    (await (
      await fetch(`${server.base}/local/executions/${encodeURIComponent(name)}`, { headers: { authorization: `Bearer ${BENCH_TOKEN}` } })
    ).json()) as View;
  const entered = (v: View) => (v.history ?? []).filter((e) => e.type.endsWith('StateEntered')).length;
  const parent = entered(await view('bench-deploy-1'));
  // Children are named <parent>/<Map label>/<index> by the local runner.
  const sample = await Promise.all(Array.from({ length: 10 }, (_, i) => view(`bench-deploy-1/Instances/${i}`)));
  return { perInstance: sample.reduce((sum, v) => sum + entered(v), 0) / sample.length, parent };
}
