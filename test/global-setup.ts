import type { TestProject } from 'vitest/node';
import { startDynamoDbLocal } from '../local/dynamodb.js';

/**
 * One DynamoDB Local (in memory) for the whole run; each test file creates its own tables under a
 * unique prefix, so files can run in parallel without seeing each other's data.
 */
export default async function setup(project: TestProject) {
  const dynamo = await startDynamoDbLocal();
  project.provide('dynamodbEndpoint', dynamo.endpoint);
  return async () => {
    await dynamo.stop();
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    dynamodbEndpoint: string;
  }
}
