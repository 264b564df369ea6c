import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeExecutionCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { afterAll, describe, expect, it } from 'vitest';
import { startTestRuntime } from '../helpers/runtime.js';

const FIXTURES = new URL('../fixtures/runtime-statemachines/', import.meta.url).pathname;
const dataDir = mkdtempSync(join(tmpdir(), 'workflows-host-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

/** An SFN client signing with the credentials the runtime gave its own functions. */
function sfnAt(runtime: { url: string; localCredentials: { accessKeyId: string; secretAccessKey: string } }) {
  return new SFNClient({ endpoint: `${runtime.url}/local/sfn`, region: 'us-east-1', credentials: runtime.localCredentials });
}

describe('the local runtime workflow endpoint', () => {
  it('runs executions through the real SFN client, shows them, and fails them with the reason after a restart', async () => {
    const first = await startTestRuntime({ dataDir, statemachinesDir: FIXTURES });
    const sfn = sfnAt(first);
    const started = await sfn.send(
      new StartExecutionCommand({
        stateMachineArn: 'arn:aws:states:us-east-1:000000000000:stateMachine:long-wait',
        name: 'op-123',
        input: '{"operation":"op-123"}',
      }),
    );
    expect(started.executionArn).toContain(':execution:long-wait:op-123');
    const listed = await first.call('GET', '/local/executions');
    expect(JSON.stringify(listed.body)).toContain('op-123');
    const running = await first.call('GET', '/local/executions/op-123');
    expect(running.body).toMatchObject({ name: 'op-123', status: 'RUNNING' });
    await first.close();

    // The same data folder, a new process: the execution that was in flight is not silently lost.
    const second = await startTestRuntime({ dataDir, statemachinesDir: FIXTURES, dynamodbEndpoint: first.dynamodbEndpoint });
    try {
      const after = await sfnAt(second).send(new DescribeExecutionCommand({ executionArn: started.executionArn }));
      expect(after.status).toBe('FAILED');
      expect(after.error).toBe('States.Runtime');
      expect(after.cause).toContain('restarted');
      const view = await second.call('GET', '/local/executions/op-123');
      expect(view.body.status).toBe('FAILED');
      expect((await second.call('GET', '/local/executions/nope')).status).toBe(404);
    } finally {
      await second.close();
    }
  });
});
