import { GetQueryResultsCommand, StartQueryCommand, DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { ListFunctionsCommand, UpdateFunctionConfigurationCommand } from '@aws-sdk/client-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import type * as LambdaFunctions from '../../functions/admin/lambda-functions.js';
import type * as LogsStore from '../../functions/admin/logs-store.js';
import type * as LogBuffer from '../../functions/shared/log-buffer.js';
import type * as Observability from '../../functions/shared/observability.js';

// The configuration is read once, on first import: a printing level above INFO and a buffer from INFO.
Object.assign(process.env, { LOG_LEVEL: 'ERROR', LOG_BUFFER_LEVEL: 'INFO' });
let observability: typeof Observability;
let buffer: typeof LogBuffer;
let logsStore: typeof LogsStore;
let lambda: typeof LambdaFunctions;

beforeAll(async () => {
  observability = await import('../../functions/shared/observability.js');
  buffer = await import('../../functions/shared/log-buffer.js');
  logsStore = await import('../../functions/admin/logs-store.js');
  lambda = await import('../../functions/admin/lambda-functions.js');
});

/** A stand-in SDK client: answers each command by its class, records what was sent. */
function fakeClient(answers: Map<unknown, (input: any) => unknown>) {
  const sent: { command: string; input: any }[] = [];
  return {
    sent,
    client: {
      send: async (command: { constructor: unknown; input: unknown }) => {
        sent.push({ command: (command.constructor as { name: string }).name, input: command.input });
        const answer = answers.get(command.constructor);
        if (!answer) throw new Error(`unexpected ${(command.constructor as { name: string }).name}`);
        return answer(command.input);
      },
    } as any,
  };
}

describe('the logger', () => {
  it('keeps INFO records in the buffer while printing only ERROR, and redacts credentials at every depth', () => {
    const { logger } = observability;
    logger.debug('not kept');
    logger.info('kept', {
      password: 'hunter2',
      repo: { username: 'u', Password: 'p2', token: 't1' },
      headers: { authorization: 'Bearer abc.def' },
      kubeconfig: 'apiVersion: v1',
      note: 'sent Bearer xyz and cpt_SECRETTOKEN and k8s-aws-v1.aHR0cHM6',
      secretArgs: ['--password', 'p3'],
    });
    const [record] = buffer.recentLogs({ minLevel: 'DEBUG', limit: 10 });
    expect(record).toMatchObject({
      level: 'INFO',
      message: 'kept',
      password: '[REDACTED]',
      repo: { username: 'u', Password: '[REDACTED]', token: '[REDACTED]' },
      headers: { authorization: '[REDACTED]' },
      kubeconfig: '[REDACTED]',
      note: 'sent Bearer [REDACTED] and [REDACTED] and [REDACTED]',
      secretArgs: '[REDACTED]',
    });
    expect(JSON.stringify(buffer.recentLogs({ minLevel: 'DEBUG', limit: 10 }))).not.toMatch(/hunter2|p2|t1|abc\.def|SECRETTOKEN|p3/);
    expect(buffer.recentLogs({ minLevel: 'DEBUG', limit: 10 }).some((r) => r.message === 'not kept')).toBe(false);
  });

  it('keeps the newest records when the buffer is full', () => {
    for (let i = 0; i < buffer.LOG_BUFFER_CAPACITY + 10; i += 1) buffer.recordLog({ level: 'WARN', message: `m${i}`, timestamp: new Date().toISOString() });
    const newest = buffer.recentLogs({ minLevel: 'WARN', limit: buffer.LOG_BUFFER_CAPACITY + 100 });
    expect(newest).toHaveLength(buffer.LOG_BUFFER_CAPACITY);
    expect(newest[0]?.message).toBe(`m${buffer.LOG_BUFFER_CAPACITY + 9}`);
    expect(newest.at(-1)?.message).toBe('m10');
  });
});

describe('CloudWatch Logs (AWS)', () => {
  it('runs one Insights query per 50 log groups under the prefix and merges them newest first', async () => {
    const groups = Array.from({ length: 60 }, (_, i) => ({ logGroupName: `/control-plane/Prod/fn-${i}` }));
    const row = (at: string, level: string, group: string) => [
      { field: '@timestamp', value: at.replace('T', ' ').replace('Z', '') },
      { field: '@message', value: JSON.stringify({ level, message: `at ${at}`, timestamp: at, service: 'control-plane' }) },
      { field: '@log', value: `123456789012:${group}` },
    ];
    let query = 0;
    const { client, sent } = fakeClient(
      new Map<unknown, (input: any) => unknown>([
        [DescribeLogGroupsCommand, (input) => (input.nextToken ? { logGroups: groups.slice(30) } : { logGroups: groups.slice(0, 30), nextToken: 'n' })],
        [StartQueryCommand, () => ({ queryId: `q${(query += 1)}` })],
        [
          GetQueryResultsCommand,
          (input) =>
            input.queryId === 'q1'
              ? { status: 'Complete', results: [row('2030-01-01T00:00:03.000Z', 'ERROR', 'a'), row('2030-01-01T00:00:01.000Z', 'WARN', 'a')] }
              : { status: 'Complete', results: [row('2030-01-01T00:00:02.000Z', 'WARN', 'b'), [{ field: '@message', value: 'START RequestId: x' }]] },
        ],
      ]),
    );
    const since = new Date('2030-01-01T00:00:00Z');
    const found = await logsStore.queryLogGroups(
      '/control-plane/Prod/',
      { minLevel: 'WARN', since, until: new Date('2030-01-01T01:00:00Z'), limit: 2, deadline: Date.now() + 5000 },
      client,
    );
    expect(found).toMatchObject({ complete: true, groups: 60 });
    expect(found.records.map((r) => [r.timestamp, r.log_group])).toEqual([
      ['2030-01-01T00:00:03.000Z', 'a'],
      ['2030-01-01T00:00:02.000Z', 'b'],
    ]);
    const starts = sent.filter((s) => s.command === 'StartQueryCommand').map((s) => s.input);
    expect(starts.map((s) => s.logGroupNames.length)).toEqual([50, 10]);
    expect(starts[0]).toMatchObject({ startTime: since.getTime() / 1000, limit: 2 });
    expect(starts[0].queryString).toBe(
      'fields @timestamp, @message, @log | filter ispresent(level) and level in ["WARN", "ERROR", "CRITICAL"] | sort @timestamp desc | limit 2',
    );
  });
});

describe('restarting Lambda functions (AWS)', () => {
  it("updates every function of the deployment, keeping its variables, and none of another's", async () => {
    const fn = (name: string, deployment: string) => ({ FunctionName: name, Environment: { Variables: { DEPLOYMENT_NAME: deployment, TABLE: 't' } } });
    const { client, sent } = fakeClient(
      new Map<unknown, (input: any) => unknown>([
        [
          ListFunctionsCommand,
          (input) =>
            input.Marker
              ? { Functions: [fn('prod-b', 'Prod'), { FunctionName: 'bare' }] }
              : { Functions: [fn('prod-a', 'Prod'), fn('staging-a', 'Staging')], NextMarker: 'm' },
        ],
        [
          UpdateFunctionConfigurationCommand,
          (input) => {
            if (input.FunctionName === 'prod-b') throw Object.assign(new Error('update in progress'), { name: 'ResourceConflictException' });
            return {};
          },
        ],
      ]),
    );
    const result = await lambda.restartFunctions('Prod', '2030-01-01T00:00:00Z', client);
    expect(result).toEqual({ restarted: ['prod-a'], failed: [{ name: 'prod-b', reason: 'ResourceConflictException: update in progress' }] });
    const updates = sent.filter((s) => s.command === 'UpdateFunctionConfigurationCommand').map((s) => s.input);
    expect(updates).toContainEqual({
      FunctionName: 'prod-a',
      Environment: { Variables: { DEPLOYMENT_NAME: 'Prod', TABLE: 't', RESTARTED_AT: '2030-01-01T00:00:00Z' } },
    });
    expect(updates.map((u) => u.FunctionName).sort()).toEqual(['prod-a', 'prod-b']);
  });
});
