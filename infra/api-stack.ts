import type { StackProps } from 'aws-cdk-lib';
import { Duration, Stack } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import type { Route } from '#shared/route.js';
import { ROUTES } from '#functions/routes.js';
import { accessLogFormat } from './access-log.js';
import { ApiAlarms } from './api-alarms.js';
import { ApiFirewall } from './api-firewall.js';
import type { HandlerGroup } from './api-routes.js';
import { handlerGroups, routeKey } from './api-routes.js';
import { constructIdOf, tableOfEntry, usesCluster } from './domains.js';
import type { DataTables, RuntimeSettings } from './function-environment.js';
import { functionEnvironment } from './function-environment.js';
import type { NamedStateMachine } from './house-function.js';
import { HouseFunction } from './house-function.js';
import { acknowledge } from './nag.js';

export interface ThrottleSettings {
  /** Steady requests per second. */
  readonly ratePerSecond: number;
  /** Requests allowed in a burst. */
  readonly burst: number;
}

export interface ApiStackProps extends StackProps {
  readonly tables: DataTables;
  readonly runtime: RuntimeSettings;
  /** The routes to serve, one method each. @default ROUTES (functions/routes.ts) */
  readonly routes?: readonly Route[];
  /** Workflows the handlers start, stop and answer task tokens of, by name. @default {} */
  readonly stateMachines?: Readonly<Record<string, NamedStateMachine>>;
  /** The stage, which is also the first segment of the execute-api URL. @default 'prod' */
  readonly stageName?: string;
  /** Each method's own limit (API Gateway keeps one bucket per method). @default 100/s, burst 200 */
  readonly methodThrottle?: ThrottleSettings;
  /** Limits for particular routes, keyed like `GET /admin/users`. @default {} */
  readonly methodThrottleOverrides?: Readonly<Record<string, ThrottleSettings>>;
  /**
   * Reserved concurrency of each streaming (long-poll) function, so waiting clients can neither
   * starve the other functions of the account's concurrency nor exceed this many at once.
   * @default 100
   */
  readonly streamingReservedConcurrency?: number;
  /** @default 10000 (see ApiFirewall) */
  readonly wafRequestsPerFiveMinutesPerIp?: number;
  /** Retention of the access log and of every function's log. @default ONE_MONTH */
  readonly logRetention?: logs.RetentionDays;
  /**
   * Set the account's API Gateway CloudWatch role, which stage logging needs. Turn off when the
   * account already has one managed elsewhere (it is one setting per account and region).
   * @default true
   */
  readonly cloudWatchRole?: boolean;
  /** Where the 5XX alarm goes. @default - nowhere: console only */
  readonly alarmTopic?: sns.ITopic;
  /**
   * Handler for requests no route matches (`functions/<entry>.ts`): mounted as ANY on every route's
   * resource and as `/{proxy+}`, so it can answer 404/405 in the family's envelope instead of API
   * Gateway's bare 403 "Missing Authentication Token".
   * @default - none: API Gateway answers unmatched requests itself
   */
  readonly unmatchedEntry?: string;
}

/**
 * The HTTP front: a regional REST API whose resource tree, methods and functions come from the
 * route table; one function per handler module, granted only its domain's table (and the platform
 * table read that token checks need); a stage with JSON access logs, X-Ray, per-method throttling
 * and a WAF web ACL. Streaming routes (the only ones allowed past 29 s) use API Gateway's
 * response streaming, with the route's timeout and reserved concurrency.
 */
export class ApiStack extends Stack {
  readonly api: apigateway.RestApi;
  /** Functions by handler entry. */
  readonly functions: Readonly<Record<string, HouseFunction>>;

  constructor(scope: Construct, id: string, props: ApiStackProps) {
    super(scope, id, props);
    const routes = props.routes ?? ROUTES;
    const retention = props.logRetention ?? logs.RetentionDays.ONE_MONTH;
    const accessLogs = new logs.LogGroup(this, 'AccessLogs', { retention });
    const throttle = props.methodThrottle ?? { ratePerSecond: 100, burst: 200 };

    this.api = new apigateway.RestApi(this, 'Api', {
      description: 'DevOps control plane: Helm apps, app store, configuration center, releases',
      endpointConfiguration: { types: [apigateway.EndpointType.REGIONAL] },
      cloudWatchRole: props.cloudWatchRole ?? true,
      deployOptions: {
        stageName: props.stageName ?? 'prod',
        tracingEnabled: true,
        metricsEnabled: true,
        // ERROR, not INFO, and no data trace: execution logs must not carry request headers or bodies.
        loggingLevel: apigateway.MethodLoggingLevel.ERROR,
        dataTraceEnabled: false,
        throttlingRateLimit: throttle.ratePerSecond,
        throttlingBurstLimit: throttle.burst,
        methodOptions: methodOverrides(routes, props.methodThrottleOverrides ?? {}),
        accessLogDestination: new apigateway.LogGroupLogDestination(accessLogs),
        accessLogFormat: accessLogFormat(),
      },
    });

    const stateMachines = props.stateMachines ?? {};
    const environment = functionEnvironment(this, { tables: props.tables, runtime: props.runtime, stateMachines });
    const functions: Record<string, HouseFunction> = {};
    for (const group of handlerGroups(routes)) {
      const fn = new HouseFunction(this, constructIdOf(group.entry), {
        entry: group.entry,
        environment,
        description: group.routes.map((r) => `${routeKey(r)}: ${r.summary}`).join('; '),
        timeoutSeconds: group.timeoutSeconds,
        helm: group.helm,
        reservedConcurrentExecutions: group.streaming ? (props.streamingReservedConcurrency ?? 100) : undefined,
        logRetention: retention,
      });
      grantForGroup(fn, group, props.tables, stateMachines);
      if (props.runtime.eksClusterName && usesCluster(group.entry, group.helm)) fn.grantClusterDescribe(props.runtime.eksClusterName);
      for (const route of group.routes) {
        this.api.root.resourceForPath(route.path).addMethod(route.method, integrationFor(fn, group), { authorizationType: apigateway.AuthorizationType.NONE });
      }
      functions[group.entry] = fn;
    }
    if (props.unmatchedEntry) this.mountUnmatched(props.unmatchedEntry, routes, environment, retention);
    this.functions = functions;

    new ApiFirewall(this, 'Firewall', { stageArn: this.api.deploymentStage.stageArn, requestsPerFiveMinutesPerIp: props.wafRequestsPerFiveMinutesPerIp });
    new ApiAlarms(this, 'Alarms', { api: this.api, alarmTopic: props.alarmTopic });

    const inHandler =
      "Every handler authenticates the bearer token and checks the role itself (functions/shared/middleware/authenticate.ts) so 401/403 render in each API family's own envelope, which an API Gateway authorizer cannot do.";
    acknowledge(this.api, 'AwsSolutions-APIG4', inHandler);
    acknowledge(this.api, 'AwsSolutions-COG4', `${inHandler} Tokens are the platform's own users, not a Cognito user pool.`);
    acknowledge(
      this.api,
      'AwsSolutions-APIG2',
      "Every handler validates path, query and body with its zod schema so 400s render in the family's own envelope; an API Gateway validator would answer in its own format.",
    );
    acknowledge(
      this.api,
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
      "The account-level API Gateway logging role: AWS's managed policy is scoped to exactly what API Gateway needs to write its logs and follows service changes.",
    );
  }

  /** The fallback reads nothing: it only renders 404/405 for the family the path belongs to. */
  private mountUnmatched(entry: string, routes: readonly Route[], environment: Record<string, string>, retention: logs.RetentionDays): void {
    const fn = new HouseFunction(this, 'Unmatched', {
      entry,
      environment,
      description: 'Answers requests no route matches (404/405)',
      logRetention: retention,
    });
    const integration = new apigateway.LambdaIntegration(fn.function, { scopePermissionToMethod: false });
    // Every resource of the tree, intermediate ones too: a resource without a method answers 403.
    const paths = routes.flatMap((r) =>
      r.path
        .split('/')
        .slice(1)
        .map((_, i, parts) => `/${parts.slice(0, i + 1).join('/')}`),
    );
    const resources = new Set(paths.map((path) => this.api.root.resourceForPath(path)));
    for (const resource of [this.api.root, ...resources]) resource.addMethod('ANY', integration, { authorizationType: apigateway.AuthorizationType.NONE });
    this.api.root.addProxy({
      defaultIntegration: integration,
      anyMethod: true,
      defaultMethodOptions: { authorizationType: apigateway.AuthorizationType.NONE },
    });
  }
}

/**
 * A proxy integration; no console test-invoke permission, which would double the Lambda permissions
 * per method in a stack that must stay under CloudFormation's 500 resources as the route table grows.
 */
function integrationFor(fn: HouseFunction, group: HandlerGroup): apigateway.LambdaIntegration {
  if (!group.streaming) return new apigateway.LambdaIntegration(fn.function, { allowTestInvoke: false });
  return new apigateway.LambdaIntegration(fn.function, {
    allowTestInvoke: false,
    responseTransferMode: apigateway.ResponseTransferMode.STREAM,
    timeout: Duration.seconds(group.timeoutSeconds),
  });
}

function grantForGroup(fn: HouseFunction, group: HandlerGroup, tables: DataTables, stateMachines: Readonly<Record<string, NamedStateMachine>>): void {
  const own = tableOfEntry(group.entry);
  fn.grantTableData(tables[own], 'read-write');
  if (group.authenticated && own !== 'platform') fn.grantTableData(tables.platform, 'read');
  if (group.writes) for (const machine of Object.values(stateMachines)) fn.grantWorkflowControl(machine);
}

function methodOverrides(routes: readonly Route[], overrides: Readonly<Record<string, ThrottleSettings>>): Record<string, apigateway.MethodDeploymentOptions> {
  const known = new Map(routes.map((r) => [routeKey(r), r]));
  return Object.fromEntries(
    Object.entries(overrides).map(([key, limit]) => {
      const route = known.get(key);
      if (!route) throw new Error(`methodThrottleOverrides names ${key}, which is not a route (routes look like 'GET /admin/users')`);
      return [`${route.path}/${route.method}`, { throttlingRateLimit: limit.ratePerSecond, throttlingBurstLimit: limit.burst }];
    }),
  );
}
