import type { CloudFormationCustomResourceEvent, Context } from 'aws-lambda';
import { logger } from '#shared/observability.js';
import { seedCatalog } from './catalog.js';

/**
 * CloudFormation custom resource (`Custom::SeedAppCatalog`, infra/admin-stack.ts) that writes the
 * app store catalog's seed entries that are absent, as the local runtime does at start. Create and
 * Update (the stack passes a hash of the seed files, so a changed seed file updates the resource)
 * seed; Delete leaves the catalog alone (the table is retained, and admins' entries live in it).
 *
 * CloudFormation invokes this function directly (no Provider framework), so it answers the
 * pre-signed response URL itself, and always: a lost answer would stall the stack until timeout.
 */
const PHYSICAL_ID = 'app-catalog-seed';

export type SeedCatalogDependencies = Readonly<{
  seed: () => Promise<{ written: string[]; kept: string[] }>;
  /** PUTs the response document to CloudFormation's pre-signed URL. */
  respond: (url: string, body: string) => Promise<void>;
}>;

type Outcome = { status: 'SUCCESS' | 'FAILED'; reason: string };

export function createHandler(deps: SeedCatalogDependencies) {
  return async function seedCatalogHandler(event: CloudFormationCustomResourceEvent, context: Pick<Context, 'logStreamName'>): Promise<void> {
    const outcome = await run(event, deps);
    if (outcome.status === 'FAILED') logger.error('catalog seeding failed', { requestType: event.RequestType, reason: outcome.reason });
    else logger.info('catalog seeding done', { requestType: event.RequestType, reason: outcome.reason });
    const body = JSON.stringify({
      Status: outcome.status,
      Reason: `${outcome.reason.slice(0, 1000)} (log stream ${context.logStreamName})`,
      PhysicalResourceId: event.RequestType === 'Create' ? PHYSICAL_ID : event.PhysicalResourceId,
      StackId: event.StackId,
      RequestId: event.RequestId,
      LogicalResourceId: event.LogicalResourceId,
      Data: {},
    });
    // A failed PUT throws, so Lambda's asynchronous retries try again (seeding is idempotent).
    await deps.respond(event.ResponseURL, body);
  };
}

async function run(event: CloudFormationCustomResourceEvent, deps: SeedCatalogDependencies): Promise<Outcome> {
  if (event.RequestType === 'Delete') return { status: 'SUCCESS', reason: 'the catalog is kept when the stack goes' };
  try {
    const { written, kept } = await deps.seed();
    return {
      status: 'SUCCESS',
      reason: `wrote ${written.length} seed entries (${written.join(', ') || 'none'}); ${kept.length} already present, kept as they are`,
    };
  } catch (error) {
    return { status: 'FAILED', reason: error instanceof Error ? `${error.name}: ${error.message}` : 'unknown error' };
  }
}

export const handler = createHandler({
  seed: () => seedCatalog(),
  async respond(url, body) {
    // Empty content-type: the pre-signed S3 URL was signed without one.
    const response = await fetch(url, { method: 'PUT', body, headers: { 'content-type': '' }, signal: AbortSignal.timeout(10_000) });
    if (!response.ok) throw new Error(`CloudFormation response URL answered ${response.status} ${response.statusText}`);
  },
});
