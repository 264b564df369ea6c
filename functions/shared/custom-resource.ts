import type { CloudFormationCustomResourceEvent, Context } from 'aws-lambda';
import { logger } from './observability.js';

/** What a custom resource's work came to: CloudFormation's status and a reason a person can read. */
export type CustomResourceOutcome = { status: 'SUCCESS' | 'FAILED'; reason: string };

/**
 * Answers CloudFormation for a custom resource (a PUT of the response document to the pre-signed
 * `ResponseURL`) after logging the outcome. A failed PUT throws, so Lambda's asynchronous retries try
 * again; the resources that use this are idempotent.
 */
export async function answerCloudFormation(
  what: string,
  physicalId: string,
  event: CloudFormationCustomResourceEvent,
  context: Pick<Context, 'logStreamName'>,
  outcome: CustomResourceOutcome,
  respond: (url: string, body: string) => Promise<void>,
): Promise<void> {
  if (outcome.status === 'FAILED') logger.error(`${what} failed`, { requestType: event.RequestType, reason: outcome.reason });
  else logger.info(`${what} done`, { requestType: event.RequestType, reason: outcome.reason });
  const body = JSON.stringify({
    Status: outcome.status,
    Reason: `${outcome.reason.slice(0, 1000)} (log stream ${context.logStreamName})`,
    PhysicalResourceId: event.RequestType === 'Create' ? physicalId : event.PhysicalResourceId,
    StackId: event.StackId,
    RequestId: event.RequestId,
    LogicalResourceId: event.LogicalResourceId,
    Data: {},
  });
  await respond(event.ResponseURL, body);
}
