import { describe, expect, it } from 'vitest';
import type { FleetContext } from './helpers.js';
import { expectProgressAddsUp, faultSeam, holding, until, untilEnded, useFleet } from './helpers.js';

const seam = faultSeam();
const fleet = useFleet('till-service', 3, undefined, { wrapHandler: seam.wrap });

type Row = { instance_id: string; status: string; started_at: string | null; error_message: string | null; current_version: string | null };

const rowsById = (data: { instances: Row[] }) => Object.fromEntries(data.instances.map((i) => [i.instance_id, i]));

async function executionStatus(ctx: FleetContext, name: string): Promise<string | undefined> {
  const view = await until(
    () =>
      fetch(`${ctx.rt.url}/local/executions/${name}`, { headers: { authorization: `Bearer ${ctx.rt.adminToken}` } }).then(
        (r) => r.json() as Promise<{ status?: string }>,
      ),
    (e) => e.status !== undefined && e.status !== 'RUNNING',
  );
  return view.status;
}

describe('cancel is final', () => {
  it('cancels a batch rollback mid-run: the working instance ends as its agent reports, the others never start', async () => {
    const slow = fleet.pkg.addPackage('v0.9.0', { 'app.txt': '0.9.0' }, { hooks: { start: { command: 'sleep 30', timeout_seconds: 60 } } });
    const started = await fleet.rt.call('POST', '/v1/rollback/batch', {
      body: { service: 'till-service', target_version: 'v0.9.0', package_url: slow.url, max_concurrency: 1, timeout: 60 },
    });
    expect(started.status, started.text).toBe(200);
    const id = started.body.data.rollback_id as string;
    const path = `/v1/rollback/status/${id}`;
    const working = await until(
      () => fleet.rt.call('GET', path),
      (r) => r.body.data.progress.in_progress === 1,
    );
    expectProgressAddsUp(working.body.data.progress);
    expect(working.body.data.progress.pending).toBe(3);
    const first = working.body.data.instances.find((i: Row) => i.status === 'in_progress').instance_id as string;
    const agent = fleet.agents[fleet.ids.indexOf(first)];
    // During the hook: the agent is running `sleep 30` for the first instance.
    await agent?.waitForLog((line) => /hook/.test(line.event) && JSON.stringify(line).includes('start'), 30_000);

    const cancelled = await fleet.rt.call('POST', `/v1/rollback/cancel/${id}`);
    expect(cancelled.body).toMatchObject({ code: 200, data: { rollback_id: id, status: 'cancelled' } });

    const status = await untilEnded(fleet.rt, path);
    expect(status.status).toBe('cancelled');
    expectProgressAddsUp(status.progress);
    expect(status.progress).toMatchObject({ total: 3, completed: 0, pending: 0 });
    const rows = rowsById(status);
    expect(rows[first]).toMatchObject({ status: 'cancelled' });
    for (const other of fleet.ids.filter((i) => i !== first)) {
      expect(rows[other]).toMatchObject({ status: 'cancelled', started_at: null, error_message: 'cancelled before it started' });
    }
    expect(await executionStatus(fleet, id)).toBe('ABORTED');
    expect(agent?.currentVersion()).not.toBe('v0.9.0');
    // The operation stays cancelled, whatever arrives late.
    expect((await fleet.rt.call('GET', path)).body.data.status).toBe('cancelled');
    expect((await fleet.rt.call('POST', `/v1/rollback/cancel/${id}`)).status).toBe(409);
  });

  it("keeps an agent's finished work as completed when the cancel lands before the workflow recorded it, and the deployment cancelled", async () => {
    // Stopped by the cancel, the workflow never records it: only the cancel can.
    const gate = holding('drop');
    seam.set('RecordInstanceSuccess', gate.fault);
    const target = fleet.ids[2] ?? '';
    const pkg = fleet.pkg.addPackage('v4.0.0', { 'app.txt': '4.0.0' });
    const reply = await fleet.rt.call('POST', '/v1/deploy/execute', {
      body: { service: 'till-service', version: 'v4.0.0', instances: [target], package_url: pkg.url, deploy_id: 'deploy-held' },
    });
    expect(reply.status, reply.text).toBe(200);
    // The agent answered and the workflow is about to record it: hold it there, then cancel.
    await gate.entered;
    const cancelled = await fleet.rt.call('POST', '/v1/deploy/cancel/deploy-held');
    expect(cancelled.body).toMatchObject({ code: 200, data: { deploy_id: 'deploy-held', status: 'cancelled' } });
    const atCancel = (await fleet.rt.call('GET', '/v1/deploy/status/deploy-held')).body.data;
    gate.release();
    seam.clear();

    const status = await untilEnded(fleet.rt, '/v1/deploy/status/deploy-held');
    expect(status.status).toBe('cancelled');
    expect(atCancel.status).toBe('cancelled');
    expect(status.instances[0]).toMatchObject({ instance_id: target, status: 'completed', current_version: 'v4.0.0' });
    expect(atCancel.instances[0].status).toBe(status.instances[0].status);
    expect(status.progress).toMatchObject({ total: 1, completed: 1, pending: 0, cancelled: 0 });
    expect(fleet.agents[2]?.currentVersion()).toBe('v4.0.0');
    // Its history says what happened on the machine, and the instance is free again.
    const history = await fleet.rt.call('GET', `/v1/instance/${target}/version-history`);
    expect(history.body.data.history[0]).toMatchObject({ version: 'v4.0.0', deploy_id: 'deploy-held', status: 'success' });
    const next = fleet.pkg.addPackage('v4.1.0', { 'app.txt': '4.1.0' });
    const again = await fleet.rt.call('POST', '/v1/deploy/execute', {
      body: { service: 'till-service', version: 'v4.1.0', instances: [target], package_url: next.url, deploy_id: 'deploy-after-held' },
    });
    expect(again.status, again.text).toBe(200);
    expect((await untilEnded(fleet.rt, '/v1/deploy/status/deploy-after-held')).status).toBe('completed');
  });
});
