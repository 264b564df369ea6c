import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { BootstrapDependencies } from '../../functions/admin/bootstrap-admin.js';
import { createHandler } from '../../functions/admin/bootstrap-admin.js';

const TOKEN = 'cpt_abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJ';
const base = {
  ServiceToken: 'arn:fn',
  ResponseURL: 'https://cfn.example/response',
  StackId: 'stack-1',
  RequestId: 'req-1',
  LogicalResourceId: 'BootstrapAdmin',
  ResourceType: 'Custom::BootstrapAdmin',
};
const create: CloudFormationCustomResourceEvent = { ...base, RequestType: 'Create', ResourceProperties: { ServiceToken: 'arn:fn', SecretArn: 'arn:secret' } };
const remove: CloudFormationCustomResourceEvent = {
  ...base,
  RequestType: 'Delete',
  PhysicalResourceId: 'bootstrap-admin',
  ResourceProperties: { ServiceToken: 'arn:fn', SecretArn: 'arn:secret' },
};
const context = { logStreamName: 'stream-1' };

/** Fakes that record what the handler did; `output` collects everything written to stdout/stderr. */
function harness(overrides: Partial<BootstrapDependencies> = {}) {
  const calls = { bootstrap: [] as string[], responses: [] as { url: string; body: Record<string, unknown>; raw: string }[] };
  const deps: BootstrapDependencies = {
    readSecret: async () => TOKEN,
    bootstrap: async (token) => {
      calls.bootstrap.push(token);
    },
    respond: async (url, raw) => {
      calls.responses.push({ url, raw, body: JSON.parse(raw) as Record<string, unknown> });
    },
    ...overrides,
  };
  return { handler: createHandler(deps), calls };
}

describe('bootstrap-admin custom resource', () => {
  let output = '';
  beforeEach(() => {
    output = '';
    const capture = (chunk: unknown) => {
      output += String(chunk);
      return true;
    };
    vi.spyOn(process.stdout, 'write').mockImplementation(capture);
    vi.spyOn(process.stderr, 'write').mockImplementation(capture);
  });
  afterEach(() => vi.restoreAllMocks());

  it('makes the secret token an admin token on Create and answers SUCCESS without the token', async () => {
    const { handler, calls } = harness();
    await handler(create, context);
    expect(calls.bootstrap).toEqual([TOKEN]);
    expect(calls.responses).toHaveLength(1);
    expect(calls.responses[0]?.url).toBe(base.ResponseURL);
    expect(calls.responses[0]?.body).toMatchObject({
      Status: 'SUCCESS',
      PhysicalResourceId: 'bootstrap-admin',
      StackId: 'stack-1',
      RequestId: 'req-1',
      LogicalResourceId: 'BootstrapAdmin',
      Data: {},
    });
    expect(calls.responses[0]?.raw).not.toContain(TOKEN);
    expect(output).not.toContain(TOKEN);
  });

  it('leaves the users alone on Delete and keeps the physical id', async () => {
    const { handler, calls } = harness();
    await handler(remove, context);
    expect(calls.bootstrap).toEqual([]);
    expect(calls.responses[0]?.body).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: 'bootstrap-admin' });
  });

  it('answers FAILED with the reason, never the token, when bootstrapping fails', async () => {
    const { handler, calls } = harness({ bootstrap: async () => Promise.reject(new Error('table not found')) });
    await handler(create, context);
    expect(calls.responses[0]?.body).toMatchObject({ Status: 'FAILED' });
    expect(String(calls.responses[0]?.body.Reason)).toContain('table not found');
    expect(calls.responses[0]?.raw).not.toContain(TOKEN);
    expect(output).not.toContain(TOKEN);
  });

  it('answers FAILED without echoing the value when the secret holds no usable token', async () => {
    const bad = 'short value';
    const { handler, calls } = harness({ readSecret: async () => bad });
    await handler(create, context);
    expect(calls.bootstrap).toEqual([]);
    expect(calls.responses[0]?.body).toMatchObject({ Status: 'FAILED' });
    expect(calls.responses[0]?.raw).not.toContain(bad);
    expect(output).not.toContain(bad);
  });

  it('throws when CloudFormation cannot be answered, so Lambda retries the event', async () => {
    const { handler } = harness({ respond: async () => Promise.reject(new Error('403 Forbidden')) });
    await expect(handler(create, context)).rejects.toThrow('403 Forbidden');
  });
});
