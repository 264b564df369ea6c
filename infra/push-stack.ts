import type { StackProps } from 'aws-cdk-lib';
import { CfnOutput, Duration, Stack } from 'aws-cdk-lib';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { WebSocketLambdaIntegration, WebSocketMockIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { PUSH_API } from '#functions/kvconfig/push-routes.js';
import { constructIdOf } from './domains.js';
import type { DataTables, RuntimeSettings } from './function-environment.js';
import { functionEnvironment, logGroupNameOf } from './function-environment.js';
import { HouseFunction } from './house-function.js';
import { acknowledge, wildcardResourceFinding } from './nag.js';

export interface PushStackProps extends StackProps {
  readonly tables: DataTables;
  /** The config table's stream (NEW_AND_OLD_IMAGES), which drives the fan-out. */
  readonly configStreamArn: string;
  readonly runtime: RuntimeSettings;
  /** Messages per second across the stage, and the burst. @default 1000 / 2000 */
  readonly throttle?: Readonly<{ ratePerSecond: number; burst: number }>;
  /** @default ONE_MONTH */
  readonly logRetention?: logs.RetentionDays;
}

/**
 * The push API of the configuration center (docs/kvconfig.md "Push"): an API Gateway WebSocket API
 * whose routes come from `PUSH_API` — `$connect` (authenticates the bearer token), `subscribe`,
 * `unsubscribe` and `$default` (one message function), `$disconnect`, and `ping` answered by a MOCK
 * integration so a keepalive runs no function — and the fan-out function, fed by the config table's
 * stream through an event source mapping that lets only namespace items through (the filter is
 * evaluated by Lambda, so an item write that is not a namespace's costs no invocation).
 *
 * Every function gets the config table (read-write: connections and subscriptions live there), the
 * platform table's GetItem (token checks), and the stage's management API (PostToConnection,
 * DeleteConnection). The stage writes JSON access logs and throttles per stage.
 */
export class PushStack extends Stack {
  readonly api: apigwv2.WebSocketApi;
  readonly stage: apigwv2.WebSocketStage;
  readonly functions: Readonly<Record<string, HouseFunction>>;

  constructor(scope: Construct, id: string, props: PushStackProps) {
    super(scope, id, props);
    const retention = props.logRetention ?? logs.RetentionDays.ONE_MONTH;
    this.api = new apigwv2.WebSocketApi(this, 'PushApi', {
      description: 'Configuration center push: subscribe to namespaces, be told new release keys',
      routeSelectionExpression: PUSH_API.routeSelectionExpression,
    });
    const throttle = props.throttle ?? { ratePerSecond: 1000, burst: 2000 };
    this.stage = new apigwv2.WebSocketStage(this, 'PushStage', {
      webSocketApi: this.api,
      stageName: PUSH_API.stage,
      autoDeploy: true,
      throttle: { rateLimit: throttle.ratePerSecond, burstLimit: throttle.burst },
    });
    const accessLogs = new logs.LogGroup(this, 'PushAccessLogs', { retention });
    const cfnStage = this.stage.node.defaultChild as apigwv2.CfnStage;
    cfnStage.accessLogSettings = { destinationArn: accessLogs.logGroupArn, format: JSON.stringify(webSocketAccessLog()) };

    const environment = { ...functionEnvironment(this, { tables: props.tables, runtime: props.runtime }), PUSH_ENDPOINT: this.stage.callbackUrl };
    const functions: Record<string, HouseFunction> = {};
    /** Posting to connections: the message route answers on them, the fan-out tells them. */
    const posters = new Set<string>([PUSH_API.fanOut.entry, ...PUSH_API.routes.filter((r) => r.routeKey === 'subscribe').map((r) => r.entry ?? '')]);
    /** Checking tokens: `$connect`, and a subscribe (a revoked token's connection is closed). */
    const tokenReaders = new Set<string>(PUSH_API.routes.filter((r) => r.routeKey === '$connect' || r.routeKey === 'subscribe').map((r) => r.entry ?? ''));
    const functionFor = (entry: string, description: string, timeoutSeconds = 29): HouseFunction => {
      let fn = functions[entry];
      if (!fn) {
        fn = new HouseFunction(this, constructIdOf(entry), {
          entry,
          environment,
          description,
          timeoutSeconds,
          logRetention: retention,
          logGroupName: logGroupNameOf(props.runtime, entry),
        });
        fn.grantTableData(props.tables.config, 'read-write');
        if (tokenReaders.has(entry)) fn.grantItemLookup(props.tables.platform);
        if (posters.has(entry)) this.stage.grantManagementApiAccess(fn);
        functions[entry] = fn;
      }
      return fn;
    };

    for (const route of PUSH_API.routes) {
      const integration = route.entry
        ? new WebSocketLambdaIntegration(`${constructIdOf(route.routeKey)}Integration`, functionFor(route.entry, `push API route ${route.routeKey}`).function)
        : new WebSocketMockIntegration(`${constructIdOf(route.routeKey)}Integration`);
      this.api.addRoute(route.routeKey, { integration });
    }

    const fanOut = functionFor(PUSH_API.fanOut.entry, 'push fan-out: tells subscribers the new release key of a namespace (config table stream)', 60);
    fanOut.function.addEventSourceMapping('ConfigStream', {
      eventSourceArn: props.configStreamArn,
      startingPosition: lambda.StartingPosition.LATEST,
      batchSize: PUSH_API.fanOut.batchSize,
      maxBatchingWindow: Duration.seconds(0),
      filters: [lambda.FilterCriteria.filter(PUSH_API.fanOut.filterPattern)],
      retryAttempts: 3,
      bisectBatchOnError: true,
      reportBatchItemFailures: true,
      // A change older than this is not worth telling: a client that reconnects catches up from its key.
      maxRecordAge: Duration.hours(1),
      parallelizationFactor: 1,
    });
    props.tables.config.grantStreamRead(fanOut);
    this.functions = functions;

    new CfnOutput(this, 'PushUrl', { value: this.stage.url, description: 'WebSocket URL of the configuration center push API' });
    acknowledge(
      this,
      'AwsSolutions-APIG4',
      '$connect authenticates the bearer token and checks the role itself (functions/kvconfig/push-connect.ts), with the same token store as the REST API; the other routes belong to a connection that passed it.',
    );
    acknowledge(
      this,
      wildcardResourceFinding(
        this,
        Stack.of(this).formatArn({ service: 'execute-api', resource: this.api.apiId, resourceName: `${PUSH_API.stage}/*/@connections/*` }),
      ),
      'The management API of this one stage: the message route and the fan-out post to (and close) connections whose ids exist only at run time.',
    );
    acknowledge(this, 'AwsSolutions-COG4', 'Tokens are the platform’s own users (the same as the REST API), not a Cognito user pool.');
  }
}

/** The WebSocket stage's access log: one JSON line per message and connection event. */
function webSocketAccessLog(): Record<string, string> {
  return {
    requestId: '$context.requestId',
    connectionId: '$context.connectionId',
    eventType: '$context.eventType',
    routeKey: '$context.routeKey',
    status: '$context.status',
    sourceIp: '$context.identity.sourceIp',
    requestTime: '$context.requestTime',
    integrationError: '$context.integrationErrorMessage',
    error: '$context.error.message',
  };
}
