import { GetExecutionHistoryCommand, ListExecutionsCommand } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { Harness } from './helpers.js';
import { namedError, startHarness, waitFor, waitForEnd } from './helpers.js';

const BatchSchema = z.object({
  BatchInput: z.object({ release: z.string(), operationId: z.string() }),
  Items: z.array(z.object({ instanceId: z.string(), position: z.number() })),
});
type Batch = z.infer<typeof BatchSchema>;

let harness: Harness;
const batches: Batch[] = [];
let inFlight = 0;
let maxInFlight = 0;
const hanging: Array<() => void> = [];

beforeAll(async () => {
  harness = await startHarness({
    DeployBatch: async (payload) => {
      const batch = BatchSchema.parse(payload);
      batches.push(batch);
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      try {
        if (batch.Items.some((item) => item.instanceId.startsWith('hang-'))) await new Promise<void>((release) => hanging.push(release));
        else await new Promise((done) => setTimeout(done, 10)); // a deploy takes a moment, so batches overlap
        if (batch.Items.some((item) => item.instanceId.startsWith('bad-'))) throw namedError('DeployFailed', `batch at ${batch.Items[0]?.position} failed`);
        return { deployed: batch.Items.length, first: batch.Items[0]?.position ?? -1 };
      } finally {
        inFlight -= 1;
      }
    },
  });
});
afterAll(async () => {
  for (const release of hanging) release();
  await harness.close();
});

function fleet(size: number, name: (index: number) => string = (index) => `i-${index}`) {
  return Array.from({ length: size }, (_, index) => ({ id: name(index) }));
}

async function start(name: string, input: object): Promise<string> {
  const { executionArn } = await harness.runner.startExecution({ stateMachineArn: harness.arnOf('distributed-map'), name, input: JSON.stringify(input) });
  return executionArn ?? '';
}

async function mapRunArnOf(executionArn: string): Promise<string> {
  const history = await harness.sfn.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1000 }));
  return history.events?.find((event) => event.type === 'MapRunStarted')?.mapRunStartedEventDetails?.mapRunArn ?? '';
}

describe('Distributed Map', () => {
  it('runs 200 items as batches of child executions, at most MaxConcurrency at once, results in item order', async () => {
    const executionArn = await start('op-fleet-1', { release: 'r-42', toleratedFailures: 0, instances: fleet(200) });

    const execution = await waitForEnd(harness.runner, executionArn, 20_000);

    expect(execution.status).toBe('SUCCEEDED');
    expect(maxInFlight).toBeGreaterThan(1);
    expect(maxInFlight).toBeLessThanOrEqual(4);
    const deployed = batches.filter((batch) => batch.BatchInput.operationId === 'op-fleet-1');
    expect(deployed).toHaveLength(20);
    expect(deployed.every((batch) => batch.BatchInput.release === 'r-42' && batch.Items.length === 10)).toBe(true);
    expect(deployed.flatMap((batch) => batch.Items.map((item) => item.position)).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 200 }, (_, index) => index),
    );
    expect(JSON.parse(execution.output ?? '{}').batches).toEqual(Array.from({ length: 20 }, (_, index) => ({ deployed: 10, first: index * 10 })));

    const mapRunArn = await mapRunArnOf(executionArn);
    const children = await harness.sfn.send(new ListExecutionsCommand({ mapRunArn, maxResults: 100 }));
    expect(children.executions).toHaveLength(20);
    expect(
      children.executions?.every((child) => child.status === 'SUCCEEDED' && child.stateMachineArn === `${harness.arnOf('distributed-map')}/DeployFleet`),
    ).toBe(true);
    expect(children.executions?.map((child) => child.name).sort()).toEqual(Array.from({ length: 20 }, (_, index) => `op-fleet-1/DeployFleet/${index}`).sort());
    expect(harness.ended.filter((event) => event.detail.name.startsWith('op-fleet-1')).length).toBe(21);
    const child = await harness.runner.describeExecution({ executionArn: children.executions?.[0]?.executionArn });
    expect(child.mapRunArn).toBe(mapRunArn);
  });

  it('succeeds with failed batches inside ToleratedFailureCount, their slots holding the error', async () => {
    const instances = fleet(40, (index) => (index >= 10 && index < 20 ? `bad-${index}` : `i-${index}`));
    const executionArn = await start('op-fleet-tolerated', { release: 'r-43', toleratedFailures: 10, instances });

    const execution = await waitForEnd(harness.runner, executionArn);

    expect(execution.status).toBe('SUCCEEDED');
    const results = JSON.parse(execution.output ?? '{}').batches;
    expect(results).toHaveLength(4);
    expect(results[1]).toEqual({ Error: 'DeployFailed', Cause: 'batch at 10 failed' });
    expect(results[2]).toEqual({ deployed: 10, first: 20 });
  });

  it('fails the Map with States.ExceedToleratedFailureThreshold beyond the tolerance', async () => {
    const instances = fleet(40, (index) => (index >= 10 && index < 30 ? `bad-${index}` : `i-${index}`));
    const executionArn = await start('op-fleet-failed', { release: 'r-44', toleratedFailures: 10, instances });

    const execution = await waitForEnd(harness.runner, executionArn);

    expect(execution.status).toBe('SUCCEEDED');
    expect(JSON.parse(execution.output ?? '{}').failure.Error).toBe('States.ExceedToleratedFailureThreshold');
    const history = await harness.runner.getExecutionHistory({ executionArn });
    expect(history.events?.find((event) => event.type === 'MapRunFailed')?.mapRunFailedEventDetails?.error).toBe('States.ExceedToleratedFailureThreshold');
  });

  it('aborts the running child executions when the parent is stopped', async () => {
    const executionArn = await start('op-fleet-stopped', { release: 'r-45', toleratedFailures: 0, instances: fleet(30, (index) => `hang-${index}`) });
    const mapRunArn = await waitFor(() => mapRunArnOf(executionArn).then((arn) => arn || undefined), { what: 'the Map Run' });
    await waitFor(async () => ((await harness.runner.listExecutions({ mapRunArn })).executions?.length ?? 0) >= 3, { what: 'children to start' });

    await harness.runner.stopExecution({ executionArn, error: 'Cancelled', cause: 'release cancelled' });

    const children = await waitFor(
      async () => {
        const listed = (await harness.runner.listExecutions({ mapRunArn })).executions ?? [];
        return listed.every((child) => child.status !== 'RUNNING') ? listed : undefined;
      },
      { what: 'children to end' },
    );
    expect(children.length).toBeLessThanOrEqual(4);
    expect(children.every((child) => child.status === 'ABORTED')).toBe(true);
    expect((await harness.runner.describeExecution({ executionArn })).status).toBe('ABORTED');
  });
});
