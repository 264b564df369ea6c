import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { installLambdaStreamingGlobal } from '../../local/lambda-streaming.js';
import { openApiMismatch } from '../helpers/openapi-check.js';

/**
 * Readiness when DynamoDB does not answer for the platform table (readiness) or the fleet table
 * (release-system health, which checks its own table): this file's process points the functions at
 * tables that do not exist, then calls the handlers as Lambda would.
 */
type Handler = (event: APIGatewayProxyEvent, context: Context) => Promise<{ statusCode: number; body: string }>;
let ready: Handler;
let releaseHealth: Handler;

beforeAll(async () => {
  Object.assign(process.env, {
    DYNAMODB_ENDPOINT: inject('dynamodbEndpoint'),
    PLATFORM_TABLE: 'no_such_table',
    FLEET_TABLE: 'no_such_fleet_table',
    LOG_LEVEL: 'SILENT',
    POWERTOOLS_METRICS_DISABLED: 'true',
  });
  installLambdaStreamingGlobal();
  ready = (await import('../../functions/health/ready.js')).handler;
  releaseHealth = (await import('../../functions/fleet/health.js')).handler;
});

const event = (path: string) =>
  ({
    httpMethod: 'GET',
    resource: path,
    path,
    headers: {},
    queryStringParameters: null,
    pathParameters: null,
    body: null,
    isBase64Encoded: false,
    requestContext: {},
  }) as unknown as APIGatewayProxyEvent;
const context = { getRemainingTimeInMillis: () => 10_000, functionName: 'test', awsRequestId: 'r' } as unknown as Context;

describe('readiness without DynamoDB', () => {
  it('answers 503 NotReady naming the dependency', async () => {
    const reply = await ready(event('/ready'), context);
    expect(reply.statusCode).toBe(503);
    expect(openApiMismatch('GET', '/ready', reply.statusCode, reply.body)).toBeUndefined();
    const body = JSON.parse(reply.body);
    expect(body.status).toBe('NotReady');
    expect(body.failed[0]).toMatchObject({ dependency: 'dynamodb' });
    expect(body.failed[0].reason).toContain('ResourceNotFound');
  });

  it('reports the release system unhealthy with a disconnected database', async () => {
    const reply = await releaseHealth(event('/v1/health'), context);
    expect(reply.statusCode).toBe(503);
    expect(openApiMismatch('GET', '/v1/health', reply.statusCode, reply.body)).toBeUndefined();
    expect(JSON.parse(reply.body)).toMatchObject({ code: 50300, data: { status: 'unhealthy', database: 'disconnected' } });
  });
});
