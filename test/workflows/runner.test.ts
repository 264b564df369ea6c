import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { executionView, listExecutionsView, WorkflowDefinitionError, WorkflowRunner } from '../../local/workflows/index.js';
import type { Harness } from './helpers.js';
import { historyTypes, namedError, startHarness, waitForEnd } from './helpers.js';

const ItemSchema = z.object({ value: z.number(), index: z.number(), operationId: z.string() });

let harness: Harness;
let inFlight = 0;
let maxInFlight = 0;
const processed: z.infer<typeof ItemSchema>[] = [];
let flakyCalls = 0;
const recordedFailures: unknown[] = [];
const releaseSlowTasks: Array<() => void> = [];

beforeAll(async () => {
  harness = await startHarness({
    ProcessItem: async (payload) => {
      const item = ItemSchema.parse(payload);
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      // Holds the slot a little so that items overlap and the concurrency bound is exercised.
      await new Promise((done) => setTimeout(done, 15));
      inFlight -= 1;
      processed.push(item);
      return { doubled: item.value * 2 };
    },
    Flaky: async () => {
      flakyCalls += 1;
      if (flakyCalls <= 2) throw namedError('ServiceUnavailable', `attempt ${flakyCalls} failed`);
      return { attempts: flakyCalls };
    },
    InstallChart: async () => {
      throw namedError('ChartNotFound', 'chart nginx 1.2.3 is not in the repository');
    },
    RecordFailure: async (payload) => {
      recordedFailures.push(payload);
      return { recorded: true };
    },
    // Never answers on its own: the state's TimeoutSeconds has to end it.
    Slow: () => new Promise((done) => releaseSlowTasks.push(() => done({ tooLate: true }))),
  });
});

afterAll(async () => {
  for (const release of releaseSlowTasks) release();
  await harness.close();
});

describe('WorkflowRunner running ASL', () => {
  it('runs every item of an inline Map without exceeding MaxConcurrency, results in item order', async () => {
    const items = Array.from({ length: 12 }, (_, index) => index + 1);
    const { executionArn } = await harness.runner.startExecution({
      stateMachineArn: harness.arnOf('map-concurrency'),
      name: 'op-map-1',
      input: JSON.stringify({ items }),
    });

    const execution = await waitForEnd(harness.runner, executionArn ?? '');

    expect(execution.status).toBe('SUCCEEDED');
    expect(maxInFlight).toBeGreaterThan(0);
    expect(maxInFlight).toBeLessThanOrEqual(3);
    expect(processed.map((item) => item.value).sort((a, b) => a - b)).toEqual(items);
    expect(processed.every((item) => item.operationId === 'op-map-1' && item.value === items[item.index])).toBe(true);
    const output = JSON.parse(execution.output ?? '{}');
    expect(output.results).toEqual(items.map((value) => ({ doubled: value * 2, statusCode: 200 })));
    expect((await historyTypes(harness.runner, executionArn ?? '')).filter((type) => type === 'MapIterationStarted')).toHaveLength(12);
  });

  it('retries a named error with backoff until the task succeeds, and the history shows each attempt', async () => {
    const { executionArn } = await harness.runner.startExecution({ stateMachineArn: harness.arnOf('retry-backoff'), name: 'op-retry-1', input: '{}' });

    const execution = await waitForEnd(harness.runner, executionArn ?? '');

    expect(execution.status).toBe('SUCCEEDED');
    expect(flakyCalls).toBe(3);
    expect(JSON.parse(execution.output ?? '{}')).toEqual({ result: { attempts: 3 } });
    const types = await historyTypes(harness.runner, executionArn ?? '');
    expect(types.filter((type) => type === 'LambdaFunctionScheduled')).toHaveLength(3);
    expect(types.filter((type) => type === 'LambdaFunctionFailed')).toHaveLength(2);
    const history = await harness.runner.getExecutionHistory({ executionArn });
    const failures = (history.events ?? []).flatMap((event) => (event.lambdaFunctionFailedEventDetails ? [event.lambdaFunctionFailedEventDetails] : []));
    expect(failures).toEqual([
      { error: 'ServiceUnavailable', cause: 'attempt 1 failed' },
      { error: 'ServiceUnavailable', cause: 'attempt 2 failed' },
    ]);
  });

  it('routes a named task error to the Catch handler with the error at its ResultPath', async () => {
    const { executionArn } = await harness.runner.startExecution({
      stateMachineArn: harness.arnOf('catch-error'),
      name: 'op-catch-1',
      input: '{"chart":"nginx"}',
    });

    const execution = await waitForEnd(harness.runner, executionArn ?? '');

    expect(recordedFailures).toEqual([
      { operationId: 'op-catch-1', error: 'ChartNotFound', cause: 'chart nginx 1.2.3 is not in the repository', table: 'operations-table' },
    ]);
    expect(execution).toMatchObject({ status: 'FAILED', error: 'InstallFailed', cause: 'the chart could not be installed' });
    const types = await historyTypes(harness.runner, executionArn ?? '');
    expect(types).toContain('TaskFailed');
    expect(types.at(-1)).toBe('ExecutionFailed');
  });

  it('ends a task slower than TimeoutSeconds with States.Timeout, which States.TaskFailed does not catch', async () => {
    const { executionArn } = await harness.runner.startExecution({ stateMachineArn: harness.arnOf('task-timeout'), name: 'op-timeout-1', input: '{}' });

    const execution = await waitForEnd(harness.runner, executionArn ?? '');

    expect(execution.status).toBe('SUCCEEDED');
    const output = JSON.parse(execution.output ?? '{}');
    expect(output.outcome).toBe('timed-out');
    expect(output.failure.Error).toBe('States.Timeout');
    const history = await harness.runner.getExecutionHistory({ executionArn });
    const timedOut = (history.events ?? []).filter((event) => event.type === 'TaskTimedOut');
    expect(timedOut).toHaveLength(1);
    expect(timedOut[0]?.taskTimedOutEventDetails).toMatchObject({ resourceType: 'lambda', resource: 'invoke', error: 'States.Timeout' });
  });

  it('serves the read-only execution views', async () => {
    const list = await listExecutionsView(harness.runner);
    expect(list.executions.map((execution) => execution.name)).toEqual(expect.arrayContaining(['op-map-1', 'op-retry-1', 'op-catch-1']));
    expect(list.executions.find((execution) => execution.name === 'op-catch-1')).toMatchObject({ stateMachine: 'catch-error', status: 'FAILED' });

    const detail = await executionView(harness.runner, 'op-retry-1');
    expect(detail).toMatchObject({ name: 'op-retry-1', status: 'SUCCEEDED', input: {}, output: { result: { attempts: 3 } }, error: null });
    expect(detail?.history[0]?.type).toBe('ExecutionStarted');
    expect(JSON.parse(JSON.stringify(detail))).toEqual(detail);
    expect(await executionView(harness.runner, 'no-such-operation')).toBeUndefined();
  });

  it('refuses a definition the library cannot validate, naming the state machine', () => {
    const broken = { StartAt: 'Missing', States: { Only: { Type: 'Pass', End: true } } };
    expect(() => new WorkflowRunner({ definitions: { broken }, resolveTask: () => undefined })).toThrow(WorkflowDefinitionError);
    expect(() => new WorkflowRunner({ definitions: { broken }, resolveTask: () => undefined })).toThrow(/state machine broken/);
  });
});
