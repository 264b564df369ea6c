import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestRuntime } from '../helpers/runtime.js';
import { startTestRuntime } from '../helpers/runtime.js';

// Tokens stay cached for the whole file, so only a restart can make this process forget one.
process.env.AUTH_CACHE_SECONDS = '300';

let rt: TestRuntime;
const tokens: Record<string, string> = {};

beforeAll(async () => {
  // The test runtime prints nothing (LOG_LEVEL SILENT); the buffer still keeps INFO and up.
  rt = await startTestRuntime({ kubernetesSimulator: true, kubeCluster: { timeScale: 0.05 } });
  for (const role of ['operator', 'viewer'] as const) {
    const created = await rt.call('POST', '/admin/users', { body: { name: `system-${role}`, role } });
    tokens[role] = created.body.data.token;
  }
});
afterAll(() => rt?.close());

type LogRecord = { level: string; message: string; timestamp: string; [key: string]: unknown };

describe('GET /admin/system/logs', () => {
  it('answers the structured records of this process newest first, INFO and up by default, though stdout prints nothing', async () => {
    expect((await rt.call('GET', '/admin/config', { token: tokens.viewer ?? '' })).status).toBe(403);
    expect((await rt.call('PUT', '/admin/config', { body: { pollSeconds: 5 } })).status).toBe(200);
    const reply = await rt.call('GET', '/admin/system/logs');
    expect(reply.status).toBe(200);
    const { records, source, complete, count } = reply.body.data as { records: LogRecord[]; source: string; complete: boolean; count: number };
    expect(source).toBe('memory');
    expect(complete).toBe(true);
    expect(count).toBe(records.length);
    const messages = records.map((r) => r.message);
    expect(messages).toContain('request refused');
    expect(messages.indexOf('helm settings updated')).toBeLessThan(messages.indexOf('request refused'));
    const times = records.map((r) => Date.parse(r.timestamp));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(records.every((r) => ['INFO', 'WARN', 'ERROR', 'CRITICAL'].includes(r.level))).toBe(true);
    expect(records.find((r) => r.message === 'helm settings updated')).toMatchObject({ service: 'control-plane', changed: ['pollSeconds'] });
  });

  it('filters by minimum level, time range and limit', async () => {
    const all = (await rt.call('GET', '/admin/system/logs?limit=1000')).body.data.records as LogRecord[];
    expect(all.length).toBeGreaterThanOrEqual(2);
    const warn = (await rt.call('GET', '/admin/system/logs?level=warn')).body.data.records as LogRecord[];
    expect(warn.every((r) => ['WARN', 'ERROR', 'CRITICAL'].includes(r.level))).toBe(true);
    expect((await rt.call('GET', '/admin/system/logs?limit=1')).body.data.records).toHaveLength(1);
    const oldest = all.at(-1)!;
    const until = (await rt.call('GET', `/admin/system/logs?until=${encodeURIComponent(oldest.timestamp)}&limit=1000`)).body.data.records as LogRecord[];
    expect(until.every((r) => Date.parse(r.timestamp) <= Date.parse(oldest.timestamp))).toBe(true);
    expect(until.length).toBeLessThan(all.length + 1);
    const future = new Date(Date.now() + 3_600_000).toISOString();
    expect((await rt.call('GET', `/admin/system/logs?since=${future}`)).body.data.records).toEqual([]);
  });

  const refusals: [string, string][] = [
    ['level=LOUD', 'level'],
    ['since=yesterday', 'since'],
    ['until=2025-01-01', 'until'],
    ['limit=0', 'limit'],
    ['limit=1001', 'limit'],
    ['since=2025-01-02T00:00:00Z&until=2025-01-01T00:00:00Z', 'since'],
  ];
  for (const [query, field] of refusals) {
    it(`answers 400 naming ${field} for ${query}`, async () => {
      const reply = await rt.call('GET', `/admin/system/logs?${query}`);
      expect(reply.status).toBe(400);
      expect(reply.body.error.message).toContain(field);
    });
  }

  it('never shows a token: the admin token used all along is in no record', async () => {
    const reply = await rt.call('GET', '/admin/system/logs?level=DEBUG&limit=1000');
    expect(reply.text).not.toContain(rt.adminToken);
    for (const token of Object.values(tokens)) expect(reply.text).not.toContain(token);
  });

  it('is for admins only', async () => {
    expect((await rt.call('GET', '/admin/system/logs', { token: tokens.operator ?? '' })).status).toBe(403);
  });
});

describe('POST /admin/system/restart', () => {
  it('drops what a container caches, so a token deleted elsewhere stops working at once, and answers 202', async () => {
    const viewer = tokens.viewer ?? '';
    expect((await rt.call('GET', '/v1/monitor/health', { token: viewer })).status).toBe(200);
    // Another container deletes the token: this process still trusts its cached copy.
    const db = DynamoDBDocumentClient.from(
      new DynamoDBClient({ region: 'us-east-1', endpoint: rt.dynamodbEndpoint, credentials: { accessKeyId: 'x', secretAccessKey: 'x' } }),
    );
    const hash = createHash('sha256').update(viewer).digest('hex');
    await db.send(new DeleteCommand({ TableName: rt.tables.platform, Key: { pk: `TOKEN#${hash}`, sk: 'TOKEN' } }));
    expect((await rt.call('GET', '/v1/monitor/health', { token: viewer })).status).toBe(200);

    const reply = await rt.call('POST', '/admin/system/restart');
    expect(reply.status).toBe(202);
    expect(reply.body.data).toMatchObject({ mode: 'local', failed: [] });
    expect(reply.body.data.restarted).toEqual(expect.arrayContaining(['token cache', 'helm settings cache', 'cluster connections and kubeconfig files']));
    expect(reply.body.data.kept_running).toContain('workflow executions');

    expect((await rt.call('GET', '/v1/monitor/health', { token: viewer })).status).toBe(401);
    // Everything else keeps answering: the cluster is reached again, the settings read again.
    const health = await rt.call('GET', '/v1/monitor/health');
    expect(health.body.data.cluster.ok).toBe(true);
    expect((await rt.call('GET', '/admin/config')).body.data.settings.pollSeconds.value).toBe(5);
  });

  it('is for admins only', async () => {
    expect((await rt.call('POST', '/admin/system/restart', { token: tokens.operator ?? '' })).status).toBe(403);
  });
});
