import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { SeedCatalogDependencies } from '../../functions/appstore/seed-catalog.js';
import { createHandler } from '../../functions/appstore/seed-catalog.js';

const base = {
  ServiceToken: 'arn:fn',
  ResponseURL: 'https://cfn.example/response',
  StackId: 'stack-1',
  RequestId: 'req-1',
  LogicalResourceId: 'SeedAppCatalogResource',
  ResourceType: 'Custom::SeedAppCatalog',
  ResourceProperties: { ServiceToken: 'arn:fn', SeedFilesHash: 'abc' },
};
const context = { logStreamName: 'stream-1' };

function harness(seed: SeedCatalogDependencies['seed']) {
  const responses: Record<string, unknown>[] = [];
  let seeded = 0;
  const handler = createHandler({
    seed: async () => {
      seeded += 1;
      return seed();
    },
    respond: async (_url, body) => {
      responses.push(JSON.parse(body) as Record<string, unknown>);
    },
  });
  return { handler, responses, seeded: () => seeded };
}

describe('seed-catalog custom resource', () => {
  // The handler's log records are checked through its answers; keep them off the test output.
  beforeEach(() => {
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  });
  afterEach(() => vi.restoreAllMocks());

  it('seeds on Create and Update and answers SUCCESS with what it wrote', async () => {
    const h = harness(async () => ({ written: ['kvcache@1.0.0'], kept: ['podinfo@6.5.4'] }));
    await h.handler({ ...base, RequestType: 'Create' }, context);
    await h.handler({ ...base, RequestType: 'Update', PhysicalResourceId: 'app-catalog-seed', OldResourceProperties: { ServiceToken: 'arn:fn' } }, context);
    expect(h.seeded()).toBe(2);
    expect(h.responses[0]).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: 'app-catalog-seed', RequestId: 'req-1', StackId: 'stack-1' });
    expect(h.responses[0]?.Reason).toContain('wrote 1 seed entries (kvcache@1.0.0); 1 already present');
  });

  it('leaves the catalog alone on Delete', async () => {
    const h = harness(async () => ({ written: [], kept: [] }));
    const event: CloudFormationCustomResourceEvent = { ...base, RequestType: 'Delete', PhysicalResourceId: 'app-catalog-seed' };
    await h.handler(event, context);
    expect(h.seeded()).toBe(0);
    expect(h.responses[0]).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: 'app-catalog-seed' });
  });

  it('answers FAILED with the reason when seeding fails, so the deployment stops instead of hanging', async () => {
    const h = harness(async () => {
      throw new Error('table not found');
    });
    await h.handler({ ...base, RequestType: 'Create' }, context);
    expect(h.responses[0]).toMatchObject({ Status: 'FAILED' });
    expect(h.responses[0]?.Reason).toContain('Error: table not found');
  });
});
