import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExecutionStatusChangeEvent } from '../../local/workflows/index.js';
import { FileExecutionStore, RECOVERY_CAUSE, WorkflowRunner } from '../../local/workflows/index.js';
import { fixtureDefinitions, resolveFrom, waitFor, waitForEnd } from './helpers.js';

let directory: string;
let definitions: Record<string, string>;
const tokens: string[] = [];
const handlers = {
  DispatchToAgent: async (payload: unknown) => {
    if (typeof payload === 'object' && payload !== null && 'token' in payload && typeof payload.token === 'string') tokens.push(payload.token);
    return {};
  },
  ProcessItem: async () => ({ doubled: 0 }),
};

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'workflows-'));
  definitions = await fixtureDefinitions();
});
afterAll(() => rm(directory, { recursive: true, force: true }));

describe('WorkflowRunner.recover', () => {
  it('ends executions that were running before a restart as FAILED and reports them', async () => {
    const before = new WorkflowRunner({ definitions, resolveTask: resolveFrom(handlers), store: new FileExecutionStore(directory) });
    const done = await before.startExecution({ stateMachineArn: before.stateMachineArn('map-concurrency'), name: 'op-done', input: '{"items":[1]}' });
    await waitForEnd(before, done.executionArn ?? '');
    const waiting = await before.startExecution({
      stateMachineArn: before.stateMachineArn('task-token'),
      name: 'op-interrupted',
      input: JSON.stringify({ instance: 'i-1', timeoutSeconds: 60, heartbeatSeconds: 30 }),
    });
    await waitFor(() => tokens.length === 1, { what: 'the dispatch' });
    await before.close(); // the process "dies": nothing more is recorded for the waiting execution

    const ended: ExecutionStatusChangeEvent[] = [];
    const after = new WorkflowRunner({
      definitions,
      resolveTask: resolveFrom(handlers),
      store: new FileExecutionStore(directory),
      onExecutionEnded: (event) => void ended.push(event),
    });
    expect((await after.describeExecution({ executionArn: waiting.executionArn })).status).toBe('RUNNING');

    const recovered = await after.recover();

    expect(recovered).toEqual([waiting.executionArn]);
    expect(await after.describeExecution({ executionArn: waiting.executionArn })).toMatchObject({
      status: 'FAILED',
      error: 'States.Runtime',
      cause: RECOVERY_CAUSE,
    });
    expect(ended).toHaveLength(1);
    expect(ended[0]?.detail).toMatchObject({ executionArn: waiting.executionArn, status: 'FAILED', error: 'States.Runtime', cause: RECOVERY_CAUSE });
    expect((await after.describeExecution({ executionArn: done.executionArn })).status).toBe('SUCCEEDED');
    const history = await after.getExecutionHistory({ executionArn: waiting.executionArn, reverseOrder: true, maxResults: 1 });
    expect(history.events?.[0]?.type).toBe('ExecutionFailed');
    await expect(after.sendTaskSuccess({ taskToken: tokens[0], output: '{}' })).rejects.toMatchObject({ name: 'InvalidToken' });
    await after.close();

    // The failure was recorded, so a second restart has nothing left to recover.
    const again = new WorkflowRunner({ definitions, resolveTask: resolveFrom(handlers), store: new FileExecutionStore(directory) });
    expect(await again.recover()).toEqual([]);
    expect((await again.describeExecution({ executionArn: waiting.executionArn })).status).toBe('FAILED');
    await again.close();
  });
});
