import {
  DescribeExecutionCommand,
  ExecutionAlreadyExists,
  GetExecutionHistoryCommand,
  InvalidToken,
  SendTaskFailureCommand,
  SendTaskHeartbeatCommand,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
  StopExecutionCommand,
  TaskTimedOut,
} from '@aws-sdk/client-sfn';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { handleSfnRequest } from '../../local/workflows/index.js';
import type { Harness } from './helpers.js';
import { startHarness, waitFor, waitForEnd } from './helpers.js';

const DispatchSchema = z.object({ token: z.string(), operationId: z.string(), executionId: z.string(), stateMachine: z.string(), instance: z.string() });
type Dispatch = z.infer<typeof DispatchSchema>;

let harness: Harness;
/** What the deploy "agents" were asked to do, in order: the test agent reads its work from here. */
const dispatched: Dispatch[] = [];

beforeAll(async () => {
  harness = await startHarness({
    DispatchToAgent: async (payload) => {
      dispatched.push(DispatchSchema.parse(payload));
      return { queued: true };
    },
  });
});
afterAll(() => harness.close());

/** Starts a task-token execution through the SDK and waits until its agent has been dispatched. */
async function startDeploy(
  name: string,
  input: { timeoutSeconds: number; heartbeatSeconds: number },
  seen = 0,
): Promise<{ executionArn: string; dispatch: Dispatch }> {
  const started = await harness.sfn.send(
    new StartExecutionCommand({ stateMachineArn: harness.arnOf('task-token'), name, input: JSON.stringify({ instance: `i-${name}`, ...input }) }),
  );
  const dispatch = await nextDispatch(name, seen);
  return { executionArn: started.executionArn ?? '', dispatch };
}

function nextDispatch(operationId: string, seen: number): Promise<Dispatch> {
  return waitFor(() => dispatched.filter((d) => d.operationId === operationId)[seen], { what: `dispatch ${seen} of ${operationId}` });
}

async function describeExecution(executionArn: string) {
  return harness.sfn.send(new DescribeExecutionCommand({ executionArn }));
}

describe('task tokens through the real SFNClient', () => {
  it('completes a waitForTaskToken task when the agent sends SendTaskSuccess', async () => {
    const { executionArn, dispatch } = await startDeploy('op-token-ok', { timeoutSeconds: 30, heartbeatSeconds: 20 });
    expect(dispatch).toMatchObject({ operationId: 'op-token-ok', executionId: executionArn, stateMachine: 'task-token', instance: 'i-op-token-ok' });
    expect(dispatch.token).not.toContain('__local');

    await harness.sfn.send(new SendTaskSuccessCommand({ taskToken: dispatch.token, output: JSON.stringify({ version: '1.2.3' }) }));

    const execution = await waitForEnd(harness.runner, executionArn);
    expect(execution.status).toBe('SUCCEEDED');
    expect(JSON.parse(execution.output ?? '{}').agent).toEqual({ version: '1.2.3' });
    const history = await harness.sfn.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1000 }));
    const types = (history.events ?? []).map((event) => event.type);
    expect(types).toEqual(expect.arrayContaining(['TaskScheduled', 'TaskStarted', 'TaskSubmitted', 'TaskSucceeded']));
    const scheduled = history.events?.find((event) => event.type === 'TaskScheduled')?.taskScheduledEventDetails;
    expect(scheduled).toMatchObject({ resourceType: 'lambda', resource: 'invoke.waitForTaskToken', timeoutInSeconds: 30, heartbeatInSeconds: 20 });
    expect(history.events?.[0]?.timestamp).toBeInstanceOf(Date);
    await expect(harness.sfn.send(new SendTaskSuccessCommand({ taskToken: dispatch.token, output: '{}' }))).rejects.toBeInstanceOf(TaskTimedOut);
  });

  it('issues a new token per retry attempt and routes a named SendTaskFailure to Catch', async () => {
    const { executionArn, dispatch: first } = await startDeploy('op-token-fail', { timeoutSeconds: 30, heartbeatSeconds: 20 });
    await harness.sfn.send(new SendTaskFailureCommand({ taskToken: first.token, error: 'AgentBusy', cause: 'another deployment is running' }));
    const second = await nextDispatch('op-token-fail', 1);
    expect(second.token).not.toBe(first.token);

    await harness.sfn.send(new SendTaskFailureCommand({ taskToken: second.token, error: 'AgentRejected', cause: 'disk full' }));

    const execution = await waitForEnd(harness.runner, executionArn);
    expect(execution.status).toBe('SUCCEEDED');
    expect(JSON.parse(execution.output ?? '{}')).toMatchObject({ outcome: 'rejected', failure: { Error: 'AgentRejected', Cause: 'disk full' } });
    await expect(harness.sfn.send(new SendTaskSuccessCommand({ taskToken: first.token, output: '{}' }))).rejects.toBeInstanceOf(TaskTimedOut);
  });

  it('times a task out after TimeoutSeconds; a late SendTaskSuccess gets TaskTimedOut and changes nothing', async () => {
    const { executionArn, dispatch } = await startDeploy('op-token-late', { timeoutSeconds: 1, heartbeatSeconds: 60 });

    const execution = await waitForEnd(harness.runner, executionArn);
    expect(JSON.parse(execution.output ?? '{}')).toMatchObject({ outcome: 'timed-out', failure: { Error: 'States.Timeout' } });

    await expect(harness.sfn.send(new SendTaskSuccessCommand({ taskToken: dispatch.token, output: '{"late":true}' }))).rejects.toBeInstanceOf(TaskTimedOut);
    expect(await describeExecution(executionArn)).toMatchObject({ status: 'SUCCEEDED', output: execution.output });
  });

  it('keeps a task alive past HeartbeatSeconds while heartbeats arrive', async () => {
    const { executionArn, dispatch } = await startDeploy('op-heartbeat-ok', { timeoutSeconds: 10, heartbeatSeconds: 1 });

    // The agent works for 2.5 heartbeat windows, reporting in every 300 ms as a real agent would.
    const workUntil = Date.now() + 2500;
    while (Date.now() < workUntil) {
      await harness.sfn.send(new SendTaskHeartbeatCommand({ taskToken: dispatch.token }));
      await new Promise((next) => setTimeout(next, 300));
    }
    expect((await describeExecution(executionArn)).status).toBe('RUNNING');
    await harness.sfn.send(new SendTaskSuccessCommand({ taskToken: dispatch.token, output: '{"healthy":true}' }));

    const execution = await waitForEnd(harness.runner, executionArn);
    expect(JSON.parse(execution.output ?? '{}').agent).toEqual({ healthy: true });
  });

  it('fails a task with States.HeartbeatTimeout when heartbeats stop, caught by a States.Timeout Catch', async () => {
    const { executionArn, dispatch } = await startDeploy('op-heartbeat-lost', { timeoutSeconds: 30, heartbeatSeconds: 1 });

    const execution = await waitForEnd(harness.runner, executionArn);

    expect(JSON.parse(execution.output ?? '{}')).toMatchObject({ outcome: 'timed-out', failure: { Error: 'States.HeartbeatTimeout' } });
    const history = await harness.runner.getExecutionHistory({ executionArn });
    expect(history.events?.find((event) => event.type === 'TaskTimedOut')?.taskTimedOutEventDetails?.error).toBe('States.HeartbeatTimeout');
    await expect(harness.sfn.send(new SendTaskHeartbeatCommand({ taskToken: dispatch.token }))).rejects.toBeInstanceOf(TaskTimedOut);
  });

  it('aborts an execution on StopExecution, invalidates its token and reports the end', async () => {
    const { executionArn, dispatch } = await startDeploy('op-stop', { timeoutSeconds: 30, heartbeatSeconds: 20 });

    await harness.sfn.send(new StopExecutionCommand({ executionArn, error: 'Cancelled', cause: 'cancelled by the operator' }));

    expect(await describeExecution(executionArn)).toMatchObject({ status: 'ABORTED', error: 'Cancelled', cause: 'cancelled by the operator' });
    await expect(harness.sfn.send(new SendTaskSuccessCommand({ taskToken: dispatch.token, output: '{}' }))).rejects.toBeInstanceOf(TaskTimedOut);
    const event = await waitFor(() => harness.ended.find((ended) => ended.detail.executionArn === executionArn), { what: 'the status change event' });
    expect(event).toMatchObject({
      source: 'aws.states',
      'detail-type': 'Step Functions Execution Status Change',
      detail: { status: 'ABORTED', name: 'op-stop', error: 'Cancelled', cause: 'cancelled by the operator', output: null },
    });
    const types = (await harness.runner.getExecutionHistory({ executionArn })).events?.map((e) => e.type);
    expect(types?.at(-1)).toBe('ExecutionAborted');
  });

  it('treats StartExecution as idempotent by name while the execution runs, like Step Functions', async () => {
    const input = JSON.stringify({ instance: 'i-1', timeoutSeconds: 30, heartbeatSeconds: 20 });
    const command = () => new StartExecutionCommand({ stateMachineArn: harness.arnOf('task-token'), name: 'op-idempotent', input });
    const first = await harness.sfn.send(command());
    const again = await harness.sfn.send(command());
    expect(again.executionArn).toBe(first.executionArn);
    expect(again.startDate?.getTime()).toBe(first.startDate?.getTime());

    await expect(
      harness.sfn.send(
        new StartExecutionCommand({
          stateMachineArn: harness.arnOf('task-token'),
          name: 'op-idempotent',
          input: JSON.stringify({ instance: 'i-2', timeoutSeconds: 30, heartbeatSeconds: 20 }),
        }),
      ),
    ).rejects.toBeInstanceOf(ExecutionAlreadyExists);

    const dispatch = await nextDispatch('op-idempotent', 0);
    await harness.sfn.send(new SendTaskSuccessCommand({ taskToken: dispatch.token, output: '{}' }));
    await waitForEnd(harness.runner, first.executionArn ?? '');
    // Once closed, the name stays taken (AWS keeps it for 90 days), even with the same input.
    await expect(harness.sfn.send(command())).rejects.toBeInstanceOf(ExecutionAlreadyExists);
    expect(dispatched.filter((d) => d.operationId === 'op-idempotent')).toHaveLength(1);
  });

  it('answers unknown tokens with InvalidToken', async () => {
    await expect(harness.sfn.send(new SendTaskSuccessCommand({ taskToken: 'AQ-never-issued', output: '{}' }))).rejects.toBeInstanceOf(InvalidToken);
  });
});

describe('handleSfnRequest', () => {
  it('is independent of the path: the SDK posts to the endpoint path plus a slash', async () => {
    const paths: string[] = [];
    const server = createServer((request, response) => {
      paths.push(request.url ?? '');
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        void handleSfnRequest(harness.runner, String(request.headers['x-amz-target']), body).then((reply) => {
          response.writeHead(reply.statusCode, reply.headers);
          response.end(reply.body);
        });
      });
    });
    await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
    const { port } = server.address() as AddressInfo;
    const client = new SFNClient({
      endpoint: `http://127.0.0.1:${port}/local/sfn`,
      region: 'us-east-1',
      credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
    });
    try {
      await expect(
        client.send(new DescribeExecutionCommand({ executionArn: 'arn:aws:states:us-east-1:000000000000:execution:task-token:missing' })),
      ).rejects.toMatchObject({ name: 'ExecutionDoesNotExist' });
      expect(paths).toEqual(['/local/sfn/']);
    } finally {
      client.destroy();
      await new Promise((closed) => server.close(closed));
    }
  });

  it('answers an unknown action and a malformed body with AWS error bodies', async () => {
    const unknown = await handleSfnRequest(harness.runner, 'AWSStepFunctions.CreateStateMachine', '{}');
    expect(unknown.statusCode).toBe(400);
    expect(JSON.parse(unknown.body)).toMatchObject({ __type: 'UnknownOperationException' });
    const invalid = await handleSfnRequest(harness.runner, 'AWSStepFunctions.StartExecution', '{"name":"x"}');
    expect(JSON.parse(invalid.body)).toMatchObject({ __type: 'ValidationException' });
  });
});
