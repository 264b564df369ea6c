import type { StackProps } from 'aws-cdk-lib';
import { CfnOutput, Stack } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import type { Route } from '#shared/route.js';
import { ROUTES } from '#functions/routes.js';
import { FUNCTIONS, WORKFLOWS } from '#functions/tasks.js';
import { accessLogFormat } from './access-log.js';
import { ApiAlarms } from './api-alarms.js';
import { ApiFirewall } from './api-firewall.js';
import { ApiResourceTree } from './api-resources.js';
import { handlerGroups, routeKey } from './api-routes.js';
import { DomainApiStack } from './domain-api-stack.js';
import { constructIdOf, domainOf, workflowDomains } from './domains.js';
import type { DataTables, RuntimeSettings } from './function-environment.js';
import { functionEnvironment, logGroupNameOf } from './function-environment.js';
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
  /**
   * The domain that owns each workflow (only its handlers may control that state machine).
   * @default workflowDomains(WORKFLOWS, FUNCTIONS): the domain of each workflow's task functions
   */
  readonly workflowDomains?: Readonly<Record<string, string>>;
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
 * route table. The API itself, its stage (JSON access logs, X-Ray, per-method throttling), the WAF
 * web ACL, the alarms and the unmatched-request fallback live in this stack; each domain's
 * functions, methods and own resources live in a nested stack of their own (DomainApiStack), so no
 * stack nears CloudFormation's 500 resources as families are added. One function per handler
 * module, granted only its domain's table (read-only for GET-only handlers), the platform table's
 * GetItem that token checks need, and its own domain's state machines. Streaming routes (the only
 * ones allowed past 29 s) use API Gateway's response streaming, with the route's timeout and
 * reserved concurrency.
 */
export class ApiStack extends Stack {
  readonly api: apigateway.RestApi;
  /** The stage every method is deployed to (not `api.deploymentStage`: see below). */
  readonly stage: apigateway.Stage;
  /** Functions by handler entry. */
  readonly functions: Readonly<Record<string, HouseFunction>>;
  /** The nested stack of each domain, by domain (`fleet`, `kvconfig`, …). */
  readonly domains: Readonly<Record<string, DomainApiStack>>;

  constructor(scope: Construct, id: string, props: ApiStackProps) {
    super(scope, id, props);
    const routes = props.routes ?? ROUTES;
    const retention = props.logRetention ?? logs.RetentionDays.ONE_MONTH;
    const accessLogs = new logs.LogGroup(this, 'AccessLogs', { retention });
    const throttle = props.methodThrottle ?? { ratePerSecond: 100, burst: 200 };
    const stageName = props.stageName ?? 'prod';

    // deploy: false, because the deployment must come after the nested stacks' methods (below).
    this.api = new apigateway.RestApi(this, 'Api', {
      description: 'DevOps control plane: Helm apps, app store, configuration center, releases',
      endpointConfiguration: { types: [apigateway.EndpointType.REGIONAL] },
      cloudWatchRole: props.cloudWatchRole ?? true,
      deploy: false,
    });

    const stateMachines = props.stateMachines ?? {};
    const owners = props.workflowDomains ?? workflowDomains(WORKFLOWS, FUNCTIONS);
    const tree = new ApiResourceTree(this.api, routes);
    const groups = handlerGroups(routes);
    const functions: Record<string, HouseFunction> = {};
    const domains: Record<string, DomainApiStack> = {};
    for (const domain of [...new Set(groups.map((g) => domainOf(g.entry)))]) {
      const nested = new DomainApiStack(this, `${constructIdOf(domain)}Api`, {
        domain,
        groups: groups.filter((g) => domainOf(g.entry) === domain),
        tree,
        tables: props.tables,
        stateMachines: ownedBy(domain, stateMachines, owners),
        runtime: props.runtime,
        streamingReservedConcurrency: props.streamingReservedConcurrency ?? 100,
        logRetention: retention,
      });
      Object.assign(functions, nested.functions);
      domains[domain] = nested;
      acknowledgeHandlerAuth(nested);
    }
    this.functions = functions;
    this.domains = domains;
    const unmatched = props.unmatchedEntry ? this.mountUnmatched(props.unmatchedEntry, tree, props, retention) : undefined;

    // The usual pattern for methods in nested stacks: a deployment in this stack that depends on
    // every method (the RestApi adds a dependency per method it knows, nested ones included, which
    // CloudFormation sees as a dependency on their nested stacks). Its logical id changes with the
    // route table and the functions behind it, so a changed table is deployed to the stage.
    const deployment = new apigateway.Deployment(this.api, 'Deployment', { api: this.api, description: 'Control plane API' });
    deployment.addToLogicalId({
      routes: routes.map((r) => ({ ...r, function: functions[r.entry]?.node.path })),
      unmatched: unmatched?.node.path,
    });
    for (const nested of Object.values(domains)) deployment.node.addDependency(nested);
    // Same construct path as the stage RestApi's `deployOptions` used to make, so the stage is
    // updated in place. Not assigned to `api.deploymentStage`: the nested methods' invoke
    // permissions would then name the stage, and the stage depends on those methods (a cycle).
    this.stage = new apigateway.Stage(this.api, `DeploymentStage.${stageName}`, {
      deployment,
      stageName,
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
    });
    new CfnOutput(this.api, 'Endpoint', { value: this.stage.urlForPath('/') });

    new ApiFirewall(this, 'Firewall', { stageArn: this.stage.stageArn, requestsPerFiveMinutesPerIp: props.wafRequestsPerFiveMinutesPerIp });
    new ApiAlarms(this, 'Alarms', { api: this.api, alarmTopic: props.alarmTopic });

    acknowledgeHandlerAuth(this.api);
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

  /**
   * The fallback reads nothing: it only renders 404/405 for the family the path belongs to. Its
   * function is in this stack; its ANY methods sit beside each resource, in whichever stack holds
   * it, and share one invoke permission scoped to the API.
   */
  private mountUnmatched(entry: string, tree: ApiResourceTree, props: ApiStackProps, retention: logs.RetentionDays): HouseFunction {
    const fn = new HouseFunction(this, 'Unmatched', {
      entry,
      environment: functionEnvironment(this, { tables: props.tables, runtime: props.runtime }),
      description: 'Answers requests no route matches (404/405)',
      logRetention: retention,
      logGroupName: logGroupNameOf(props.runtime, entry),
    });
    const integration = new apigateway.LambdaIntegration(fn.function, { scopePermissionToMethod: false });
    // Every resource of the tree, intermediate ones too: a resource without a method answers 403.
    for (const path of ['/', ...tree.paths]) tree.resource(path).addMethod('ANY', integration, { authorizationType: apigateway.AuthorizationType.NONE });
    this.api.root.addProxy({
      defaultIntegration: integration,
      anyMethod: true,
      defaultMethodOptions: { authorizationType: apigateway.AuthorizationType.NONE },
    });
    return fn;
  }
}

/** The state machines `domain` owns; a machine no workflow owner names is refused. */
function ownedBy(
  domain: string,
  machines: Readonly<Record<string, NamedStateMachine>>,
  owners: Readonly<Record<string, string>>,
): Record<string, NamedStateMachine> {
  for (const name of Object.keys(machines))
    if (!owners[name]) throw new Error(`state machine ${name} has no owning domain (known workflows: ${Object.keys(owners).join(', ') || 'none'})`);
  return Object.fromEntries(Object.entries(machines).filter(([name]) => owners[name] === domain));
}

/** API Gateway methods without an authorizer: on the RestApi and on each nested stack's methods. */
function acknowledgeHandlerAuth(scope: Construct): void {
  const inHandler =
    "Every handler authenticates the bearer token and checks the role itself (functions/shared/middleware/authenticate.ts) so 401/403 render in each API family's own envelope, which an API Gateway authorizer cannot do.";
  acknowledge(scope, 'AwsSolutions-APIG4', inHandler);
  acknowledge(scope, 'AwsSolutions-COG4', `${inHandler} Tokens are the platform's own users, not a Cognito user pool.`);
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
