import { afterEach, describe, expect, it } from 'vitest';
import { expectProgressAddsUp, faultSeam, throwing, until, untilEnded, useFleet } from './helpers.js';

const seam = faultSeam();
const fleet = useFleet('ledger-service', 2, undefined, { wrapHandler: seam.wrap });
afterEach(() => seam.clear());

let n = 0;
async function deploy(instances: string[]) {
  n += 1;
  const version = `v3.${n}.0`;
  const pkg = fleet.pkg.addPackage(version, { 'app.txt': version });
  const id = `deploy-rec-${n}`;
  const reply = await fleet.rt.call('POST', '/v1/deploy/execute', {
    body: { service: 'ledger-service', version, instances, package_url: pkg.url, deploy_id: id, retry_count: 0 },
  });
  expect(reply.status, reply.text).toBe(200);
  return { id, version };
}

describe('an instance whose outcome cannot be recorded', () => {
  it('ends failed with the reason when RecordInstanceSuccess always throws, frees the lock, and fails the deployment', async () => {
    seam.set('RecordInstanceSuccess', throwing('Error'));
    const first = fleet.ids[0] ?? '';
    const { id } = await deploy([first]);
    const status = await untilEnded(fleet.rt, `/v1/deploy/status/${id}`);
    expect(status.status).toBe('failed');
    expect(status.instances[0]).toMatchObject({ instance_id: first, status: 'failed' });
    expect(status.instances[0].error_message).toMatch(/^could not record the agent's success: Error: injected by the test/);
    expect(status.progress).toMatchObject({ total: 1, completed: 0, failed: 1, pending: 0, in_progress: 0 });
    // Retried as an unknown error (States.TaskFailed, 2 retries), then caught.
    expect(seam.calls('RecordInstanceSuccess')).toHaveLength(3);

    seam.clear();
    const again = await deploy([first]);
    expect((await untilEnded(fleet.rt, `/v1/deploy/status/${again.id}`)).status).toBe('completed');
  });

  it('retries a transient StoreUnavailable and completes', async () => {
    seam.set('RecordInstanceSuccess', throwing('StoreUnavailable', 1));
    const before = seam.calls('RecordInstanceSuccess').length;
    const { id, version } = await deploy([fleet.ids[1] ?? '']);
    const status = await untilEnded(fleet.rt, `/v1/deploy/status/${id}`);
    expect(status).toMatchObject({ status: 'completed', progress: { total: 1, completed: 1, failed: 0, pending: 0 } });
    expect(status.instances[0]).toMatchObject({ status: 'completed', current_version: version, error_message: null });
    expect(seam.calls('RecordInstanceSuccess').length - before).toBe(2);
  });

  it('does not retry an InvalidTaskInput: the instance fails at once with the schema problem', async () => {
    seam.set('RecordInstanceSuccess', (payload, real) => real({ ...(payload as object), instance_id: 42 }));
    const before = seam.calls('RecordInstanceSuccess').length;
    const { id } = await deploy([fleet.ids[0] ?? '']);
    const status = await untilEnded(fleet.rt, `/v1/deploy/status/${id}`);
    expect(status.status).toBe('failed');
    expect(status.instances[0].error_message).toMatch(/^could not record the agent's success: InvalidTaskInput: invalid task input: instance_id/);
    expect(seam.calls('RecordInstanceSuccess').length - before).toBe(1);
  });

  it('fails the row when not even its failure can be recorded, and the deployment with it', async () => {
    seam.set('RecordInstanceSuccess', throwing('InvalidTaskInput'));
    seam.set('RecordInstanceFailed', throwing('InvalidTaskInput'));
    const { id } = await deploy([fleet.ids[1] ?? '']);
    const status = await untilEnded(fleet.rt, `/v1/deploy/status/${id}`);
    expect(status.status).toBe('failed');
    expect(status.instances[0]).toMatchObject({ status: 'failed', error_message: 'the workflow ended without recording this instance' });
    expectProgressAddsUp(status.progress);
  });
});

describe('the end of a fleet execution reaches the fleet', () => {
  it('ends the operation from the SUCCEEDED event when the workflow did not (its Summarise was lost)', async () => {
    seam.set('SummariseOperation', () => Promise.resolve({ status: 'completed' }));
    const { id } = await deploy([fleet.ids[0] ?? '']);
    const status = await untilEnded(fleet.rt, `/v1/deploy/status/${id}`);
    expect(status.status).toBe('completed');
    const ends = seam.calls('FleetOperationEnded') as { detail: { name: string; status: string } }[];
    expect(ends.filter((e) => e.detail.name === id).map((e) => e.detail.status)).toEqual(['SUCCEEDED']);
    // The Map's child executions are not routed to the fleet.
    expect(ends.some((e) => e.detail.name.includes('/'))).toBe(false);
    const execution = await until(
      () =>
        fetch(`${fleet.rt.url}/local/executions/${id}`, { headers: { authorization: `Bearer ${fleet.rt.adminToken}` } }).then(
          (r) => r.json() as Promise<{ status?: string }>,
        ),
      (e: { status?: string }) => e.status === 'SUCCEEDED',
    );
    expect(execution.status).toBe('SUCCEEDED');
  });
});
