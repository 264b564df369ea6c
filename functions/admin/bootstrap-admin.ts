import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { CloudFormationCustomResourceEvent, Context } from 'aws-lambda';
import * as z from 'zod';
import { config } from '#shared/config.js';
import { answerCloudFormation } from '#shared/custom-resource.js';
import type { CustomResourceOutcome } from '#shared/custom-resource.js';
import { bootstrapAdmin } from './users-service.js';

/**
 * CloudFormation custom resource (`Custom::BootstrapAdmin`, infra/admin-stack.ts) that makes the
 * generated admin token in Secrets Manager a valid admin token, so the operator can call the API
 * with the token read once from the secret. Same rule as ADMIN_TOKEN locally (`bootstrapAdmin`): a
 * token that already is an admin's changes nothing; otherwise it is added as a new admin user, and
 * no existing user or token is touched (a changed secret never locks out the holder of the old one). Create and Update (the secret changed) bootstrap;
 * Delete leaves the users alone. The token is never logged, put in a reason, or returned as data.
 *
 * CloudFormation invokes this function directly (no Provider framework), so it answers the
 * pre-signed response URL itself, and always: a lost answer would stall the stack until timeout.
 */
const PropertiesSchema = z.object({ SecretArn: z.string().min(1) });

/** What a bearer token may look like (functions/shared/auth.ts reads `\S{1,512}`). */
const TOKEN_PATTERN = /^\S{16,512}$/;

const PHYSICAL_ID = 'bootstrap-admin';

export type BootstrapDependencies = Readonly<{
  readSecret: (secretArn: string) => Promise<string | undefined>;
  bootstrap: (token: string) => Promise<unknown>;
  /** PUTs the response document to CloudFormation's pre-signed URL. */
  respond: (url: string, body: string) => Promise<void>;
}>;

type Outcome = CustomResourceOutcome;

export function createHandler(deps: BootstrapDependencies) {
  return async function bootstrapAdminHandler(event: CloudFormationCustomResourceEvent, context: Pick<Context, 'logStreamName'>): Promise<void> {
    await answerCloudFormation('admin bootstrap', PHYSICAL_ID, event, context, await run(event, deps), deps.respond);
  };
}

async function run(event: CloudFormationCustomResourceEvent, deps: BootstrapDependencies): Promise<Outcome> {
  if (event.RequestType === 'Delete') return { status: 'SUCCESS', reason: 'users are kept when the stack goes' };
  try {
    const { SecretArn } = PropertiesSchema.parse(event.ResourceProperties);
    const token = await deps.readSecret(SecretArn);
    // The message names the rule, never the value.
    if (token === undefined || !TOKEN_PATTERN.test(token))
      return { status: 'FAILED', reason: `secret ${SecretArn} does not hold a usable token: it must be a string of 16 to 512 non-space characters` };
    await deps.bootstrap(token);
    return { status: 'SUCCESS', reason: 'the token in the secret is an admin token; existing tokens unchanged' };
  } catch (error) {
    return { status: 'FAILED', reason: error instanceof Error ? `${error.name}: ${error.message}` : 'unknown error' };
  }
}

const secrets = new SecretsManagerClient({ region: config.region, maxAttempts: 5 });

export const handler = createHandler({
  async readSecret(secretArn) {
    const { SecretString } = await secrets.send(new GetSecretValueCommand({ SecretId: secretArn }));
    return SecretString;
  },
  bootstrap: bootstrapAdmin,
  async respond(url, body) {
    // Empty content-type: the pre-signed S3 URL was signed without one.
    const response = await fetch(url, { method: 'PUT', body, headers: { 'content-type': '' }, signal: AbortSignal.timeout(10_000) });
    if (!response.ok) throw new Error(`CloudFormation response URL answered ${response.status} ${response.statusText}`);
  },
});
