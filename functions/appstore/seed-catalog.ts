import type { CloudFormationCustomResourceEvent, Context } from 'aws-lambda';
import { answerCloudFormation } from '#shared/custom-resource.js';
import type { CustomResourceOutcome } from '#shared/custom-resource.js';
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

type Outcome = CustomResourceOutcome;

export function createHandler(deps: SeedCatalogDependencies) {
  return async function seedCatalogHandler(event: CloudFormationCustomResourceEvent, context: Pick<Context, 'logStreamName'>): Promise<void> {
    await answerCloudFormation('catalog seeding', PHYSICAL_ID, event, context, await run(event, deps), deps.respond);
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
