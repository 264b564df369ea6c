import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { config } from './config.js';

/**
 * One document client per container, created at cold start. Off AWS it points at DynamoDB Local,
 * which accepts any credentials.
 */
export const dynamo: DynamoDBDocumentClient = DynamoDBDocumentClient.from(
  new DynamoDBClient({
    region: config.region,
    ...(config.dynamodbEndpoint
      ? { endpoint: config.dynamodbEndpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }
      : {}),
    maxAttempts: 5,
  }),
  { marshallOptions: { removeUndefinedValues: true } },
);

/** True for the error DynamoDB raises when a condition expression fails. */
export function isConditionFailed(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}

/**
 * True when a transaction was cancelled because one of its conditions failed; `index` narrows it to
 * the condition of the n-th action.
 */
export function isTransactionConditionFailed(error: unknown, index?: number): boolean {
  if (!(error instanceof Error) || error.name !== 'TransactionCanceledException') return false;
  const reasons = (error as Error & { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? [];
  if (index === undefined) return reasons.some((r) => r.Code === 'ConditionalCheckFailed');
  return reasons[index]?.Code === 'ConditionalCheckFailed';
}
