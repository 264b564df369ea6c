import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeExecutionEnd, ownerOf } from '../../functions/shared/workflow-ends.js';
import type { WorkflowDef } from '../../functions/tasks.js';
import { FUNCTIONS, WORKFLOWS } from '../../functions/tasks.js';
import type { FunctionHandler } from '../../local/workflows-host.js';
import { startWorkflows } from '../../local/workflows-host.js';
import type { ExecutionStatusChangeEvent } from '../../local/workflows/index.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SECOND: WorkflowDef = { name: 'second-fixture', file: 'second-fixture.asl.json', tasks: [], endedBy: 'SecondEnded' };

const event = (stateMachine: string, name: string, status: string) => ({
  detail: {
    executionArn: `arn:aws:states:us-east-1:000000000000:execution:${stateMachine}:${name}`,
    stateMachineArn: `arn:aws:states:us-east-1:000000000000:stateMachine:${stateMachine}`,
    name,
    status,
    error: status === 'FAILED' ? 'States.Runtime' : null,
    cause: status === 'FAILED' ? 'local runtime restarted' : null,
  },
});

describe('decoding an execution status change', () => {
  it('gives the owner the operation, the status and the reason, and nothing for running or child executions', () => {
    expect(decodeExecutionEnd(event('fleet-operation', 'deploy-1', 'FAILED'))).toEqual({
      operationId: 'deploy-1',
      stateMachine: 'fleet-operation',
      status: 'FAILED',
      reason: 'States.Runtime: local runtime restarted',
    });
    for (const status of ['SUCCEEDED', 'TIMED_OUT', 'ABORTED']) expect(decodeExecutionEnd(event('fleet-operation', 'deploy-1', status))?.status).toBe(status);
    expect(decodeExecutionEnd(event('fleet-operation', 'deploy-1', 'RUNNING'))).toBeUndefined();
    expect(decodeExecutionEnd(event('fleet-operation/Instances', 'deploy-1/Instances/0', 'SUCCEEDED'))).toBeUndefined();
  });

  it('finds the owner registered for the state machine, none for a child machine', () => {
    const workflows = [...WORKFLOWS, SECOND];
    expect(ownerOf(event('fleet-operation', 'x', 'FAILED').detail.stateMachineArn, workflows)).toBe('FleetOperationEnded');
    expect(ownerOf(event('second-fixture', 'x', 'FAILED').detail.stateMachineArn, workflows)).toBe('SecondEnded');
    expect(ownerOf(event('fleet-operation/Instances', 'x', 'FAILED').detail.stateMachineArn, workflows)).toBeUndefined();
  });
});

describe('the workflow host routing ends to owners', () => {
  const dir = mkdtempSync(join(tmpdir(), 'owners-'));
  cpSync(join(ROOT, 'test/fixtures/owners/second-fixture.asl.json'), join(dir, 'second-fixture.asl.json'));
  cpSync(join(ROOT, 'statemachines/fleet-operation.asl.json'), join(dir, 'fleet-operation.asl.json'));
  const received: Record<string, ExecutionStatusChangeEvent[]> = { SecondEnded: [], FleetOperationEnded: [] };
  const hosting = startWorkflows({
    statemachinesDir: dir,
    workflows: [...WORKFLOWS, SECOND],
    functions: [...FUNCTIONS, { name: 'SecondEnded', kind: 'event', entry: 'health/health' }],
    // The owners are stand-ins that only record what reaches them.
    wrapHandler: (name, real): FunctionHandler =>
      name in received ? (payload) => Promise.resolve(void received[name]?.push(payload as ExecutionStatusChangeEvent)) : real,
  });
  afterAll(async () => {
    await (await hosting).runner.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("delivers a second family's executions to its owner and not to the fleet", async () => {
    const { runner } = await hosting;
    const ok = await runner.startExecution({ stateMachineArn: runner.stateMachineArn('second-fixture'), name: 'second-ok', input: '{"fail":false}' });
    const bad = await runner.startExecution({ stateMachineArn: runner.stateMachineArn('second-fixture'), name: 'second-bad', input: '{"fail":true}' });
    const deadline = Date.now() + 10_000;
    while ((received.SecondEnded?.length ?? 0) < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const byName = Object.fromEntries((received.SecondEnded ?? []).map((e) => [e.detail.executionArn, e.detail]));
    expect(byName[ok.executionArn ?? '']).toMatchObject({ name: 'second-ok', status: 'SUCCEEDED' });
    expect(byName[bad.executionArn ?? '']).toMatchObject({ name: 'second-bad', status: 'FAILED', error: 'SecondFailed' });
    expect(received.FleetOperationEnded).toEqual([]);
  });
});
