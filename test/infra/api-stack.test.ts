import type { App } from 'aws-cdk-lib';
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { describe, expect, it } from 'vitest';
import type { Route } from '../../functions/shared/route.js';
import { ROUTES } from '../../functions/routes.js';
import { ApiStack } from '../../infra/api-stack.js';
import type { DataStack } from '../../infra/data-stack.js';
import type { HouseFunction } from '../../infra/house-function.js';
import {
  DYNAMODB_WRITES,
  RUNTIME,
  actionsOf,
  appWithData,
  lambdaPropertiesOf,
  logicalIdOf,
  resourcesOf,
  resourcesWithNested,
  statementsOfFunction,
} from './support.js';

/**
 * `METHOD /path` of every API Gateway method, in the API stack and its nested stacks (each method
 * counted once in the templates too, so none is created twice).
 */
function methodsOf(stack: Stack): string[] {
  const methods = stack.node.findAll().filter((c): c is apigateway.Method => c instanceof apigateway.Method);
  expect(Object.keys(resourcesWithNested(stack, 'AWS::ApiGateway::Method'))).toHaveLength(methods.length);
  return methods.map((m) => `${m.httpMethod} ${m.resource.path}`);
}

const statementsOf = (fn: HouseFunction | undefined) => statementsOfFunction(fn as HouseFunction);
const writesData = (action: string) =>
  (DYNAMODB_WRITES as readonly string[]).includes(action) || /^dynamodb:(\*|Put|Update|Delete|BatchWrite|TransactWrite)/.test(action);

function apiStack(
  props: {
    routes?: readonly Route[];
    data?: DataStack;
    app?: App;
    stateMachines?: ConstructorParameters<typeof ApiStack>[2]['stateMachines'];
    workflowDomains?: Readonly<Record<string, string>>;
    unmatchedEntry?: string;
  } = {},
) {
  const base = props.data && props.app ? { app: props.app, data: props.data } : appWithData();
  const stack = new ApiStack(base.app, 'Api', {
    tables: base.data.tables,
    runtime: RUNTIME,
    routes: props.routes,
    stateMachines: props.stateMachines,
    workflowDomains: props.workflowDomains,
    unmatchedEntry: props.unmatchedEntry,
    streamingReservedConcurrency: 7,
  });
  return { stack, data: base.data, template: Template.fromStack(stack) };
}

const route = (row: Partial<Route> & Pick<Route, 'method' | 'path' | 'entry'>): Route => ({ access: 'admin', family: 'helm', summary: 'test route', ...row });

describe('ApiStack with the route table', () => {
  const base = appWithData();
  const machines = new Stack(base.app, 'Machines');
  const fleetOperation = new sfn.StateMachine(machines, 'FleetOperation', {
    definitionBody: sfn.DefinitionBody.fromChainable(new sfn.Pass(machines, 'Noop')),
  });
  const { stack, template } = apiStack({ ...base, stateMachines: { 'fleet-operation': fleetOperation } });
  const entries = [...new Set(ROUTES.map((r) => r.entry))];
  const fn = (entry: string) => stack.functions[entry] as HouseFunction;

  it('has exactly one method per route, at the route path', () => {
    expect(methodsOf(stack).sort()).toEqual(ROUTES.map((r) => `${r.method} ${r.path}`).sort());
  });

  it('puts each domain in a nested stack of its own, beside its functions', () => {
    expect(Object.keys(stack.domains).sort()).toEqual([...new Set(entries.map((e) => e.split('/')[0]))].sort());
    for (const entry of entries) expect(Stack.of(fn(entry)), entry).toBe(stack.domains[entry.split('/')[0] ?? '']);
  });

  it('has one function per handler module, Node.js 24 with active tracing', () => {
    const functions = Object.values(resourcesWithNested(stack, 'AWS::Lambda::Function'));
    expect(functions).toHaveLength(entries.length);
    for (const fn of functions)
      expect(fn.Properties).toMatchObject({
        Runtime: 'nodejs24.x',
        Handler: 'index.handler',
        TracingConfig: { Mode: 'Active' },
        LoggingConfig: { LogFormat: 'JSON' },
      });
  });

  it('runs functions on arm64, except helm routes on x86_64 with the kubectl layer', () => {
    for (const entry of entries) {
      const helm = ROUTES.some((r) => r.entry === entry && r.helm);
      const props = lambdaPropertiesOf(fn(entry));
      expect(props.Architectures, entry).toEqual([helm ? 'x86_64' : 'arm64']);
      expect((props.Layers as unknown[] | undefined)?.length ?? 0, entry).toBe(helm ? 1 : 0);
      if (helm) expect((props.Environment as { Variables: Record<string, unknown> }).Variables.HELM_BINARY).toBe('/opt/helm/helm');
    }
    expect(ROUTES.find((r) => r.path === '/admin/system/info')?.helm).toBe(true);
  });

  it('passes every table name and the Powertools settings to each function', () => {
    for (const fn of Object.values(resourcesWithNested(stack, 'AWS::Lambda::Function'))) {
      const vars = (fn.Properties?.Environment as { Variables: Record<string, unknown> }).Variables;
      expect(Object.keys(vars)).toEqual(
        expect.arrayContaining([
          'PLATFORM_TABLE',
          'CONFIG_TABLE',
          'FLEET_TABLE',
          'HELM_TABLE',
          'APP_VERSION',
          'LOG_LEVEL',
          'STATE_MACHINES',
          'POWERTOOLS_SERVICE_NAME',
          'POWERTOOLS_METRICS_NAMESPACE',
        ]),
      );
      expect(vars).toMatchObject({
        APP_VERSION: '9.9.9',
        LOG_LEVEL: 'INFO',
        POWERTOOLS_SERVICE_NAME: 'control-plane',
        POWERTOOLS_METRICS_NAMESPACE: 'ControlPlane',
      });
    }
  });

  it('gives each function a log group with a retention', () => {
    const groups = Object.values(resourcesWithNested(stack, 'AWS::Logs::LogGroup'));
    expect(groups).toHaveLength(entries.length + 1); // + the access log
    for (const group of groups) expect(group.Properties?.RetentionInDays).toBe(30);
  });

  it('is a regional REST API with a traced, throttled, access-logged stage in JSON', () => {
    template.hasResourceProperties('AWS::ApiGateway::RestApi', { EndpointConfiguration: { Types: ['REGIONAL'] } });
    const [stage] = Object.values(resourcesOf(stack, 'AWS::ApiGateway::Stage'));
    const props = stage?.Properties ?? {};
    expect(props.TracingEnabled).toBe(true);
    expect(props.MethodSettings).toEqual([
      expect.objectContaining({
        HttpMethod: '*',
        ResourcePath: '/*',
        LoggingLevel: 'ERROR',
        DataTraceEnabled: false,
        ThrottlingRateLimit: 100,
        ThrottlingBurstLimit: 200,
      }),
    ]);
    const log = props.AccessLogSetting as { DestinationArn: unknown; Format: string };
    expect(log.DestinationArn).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^AccessLogs/), 'Arn'] });
    expect(JSON.parse(log.Format)).toMatchObject({ requestId: '$context.requestId', status: '$context.status', wafResponseCode: '$context.wafResponseCode' });
    template.resourceCountIs('AWS::ApiGateway::Account', 1);
  });

  it('associates a regional WAF web ACL with a per-IP rate rule and the AWS common rule set', () => {
    const [acl] = Object.values(resourcesOf(stack, 'AWS::WAFv2::WebACL'));
    expect(acl?.Properties?.Scope).toBe('REGIONAL');
    const rules = acl?.Properties?.Rules as {
      Name: string;
      Statement: Record<string, { limit?: number; Limit?: number; AggregateKeyType?: string; Name?: string }>;
    }[];
    expect(rules.find((r) => r.Statement.RateBasedStatement)?.Statement.RateBasedStatement).toMatchObject({ Limit: 10_000, AggregateKeyType: 'IP' });
    expect(rules.find((r) => r.Statement.ManagedRuleGroupStatement)?.Statement.ManagedRuleGroupStatement).toMatchObject({
      Name: 'AWSManagedRulesCommonRuleSet',
    });
    const [association] = Object.values(resourcesOf(stack, 'AWS::WAFv2::WebACLAssociation'));
    expect(JSON.stringify(association?.Properties?.ResourceArn)).toContain(logicalIdOf(stack, stack.stage as never));
  });

  it('alarms on 5XX answers', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: '5XXError', Namespace: 'AWS/ApiGateway', Threshold: 5 });
  });

  it('deploys the stage only after every nested stack, so the deployment holds every method', () => {
    const [deployment] = Object.values(resourcesOf(stack, 'AWS::ApiGateway::Deployment'));
    const nested = Object.values(stack.domains).map((d) => stack.getLogicalId(d.nestedStackResource as never));
    expect(deployment?.DependsOn).toEqual(expect.arrayContaining(nested));
    const [stage] = Object.values(resourcesOf(stack, 'AWS::ApiGateway::Stage'));
    expect(stage?.Properties?.DeploymentId).toEqual({ Ref: Object.keys(resourcesOf(stack, 'AWS::ApiGateway::Deployment'))[0] });
  });

  it('gives handlers whose routes are all GETs no write action on any table', () => {
    const readOnly = entries.filter((entry) => ROUTES.filter((r) => r.entry === entry).every((r) => r.method === 'GET'));
    expect(readOnly.length).toBeGreaterThan(20);
    for (const entry of readOnly) {
      const actions = statementsOf(fn(entry)).flatMap(actionsOf);
      expect(actions.filter(writesData), entry).toEqual([]);
      expect(actions, entry).toContain('dynamodb:Query');
    }
    // The rule is not vacuous: handlers with a write route do write.
    expect(statementsOf(fn('kvconfig/set-item')).flatMap(actionsOf)).toContain('dynamodb:PutItem');
  });

  it('lets handlers outside the admin domain read exactly one thing of the platform table: GetItem of a token', () => {
    for (const entry of entries.filter((e) => !e.startsWith('admin/') && !e.startsWith('health/'))) {
      const platform = statementsOf(fn(entry)).filter((s) => JSON.stringify(s.Resource).includes('PlatformTableArn'));
      const authenticated = ROUTES.some((r) => r.entry === entry && r.access !== 'public');
      expect(platform, entry).toEqual(authenticated ? [expect.objectContaining({ Action: 'dynamodb:GetItem', Resource: { Ref: 'PlatformTableArn' } })] : []);
    }
  });

  it('gives kvconfig handlers no Step Functions action at all', () => {
    for (const entry of entries.filter((e) => e.startsWith('kvconfig/'))) {
      expect(
        statementsOf(fn(entry))
          .flatMap(actionsOf)
          .filter((a) => a.startsWith('states:')),
        entry,
      ).toEqual([]);
    }
  });

  it('lets fleet handlers control the fleet state machine and its executions, and nothing else', () => {
    const fleet = entries.filter((e) => e.startsWith('fleet/'));
    for (const entry of fleet) {
      for (const statement of statementsOf(fn(entry)).filter((s) => actionsOf(s).some((a) => a.startsWith('states:')))) {
        const resources = [statement.Resource].flat().map((r) => JSON.stringify(r));
        for (const resource of resources) expect(resource, entry).toMatch(/:states:.*:(stateMachine|execution):","?\{"Ref":"FleetOperationStateMachineName"\}/);
      }
    }
    expect(statementsOf(fn('fleet/execute-deploy')).flatMap(actionsOf)).toEqual(expect.arrayContaining(['states:StartExecution', 'states:StopExecution']));
    expect(statementsOf(fn('fleet/agent-report-result')).flatMap(actionsOf)).toEqual(
      expect.arrayContaining(['states:SendTaskSuccess', 'states:SendTaskFailure']),
    );
    // …and the nested stack's parameter is the fleet state machine's name.
    const nested = resourcesOf(stack, 'AWS::CloudFormation::Stack')[stack.getLogicalId(stack.domains.fleet?.nestedStackResource as never)];
    expect(JSON.stringify((nested?.Properties?.Parameters as Record<string, unknown>).FleetOperationStateMachineName)).toContain(
      logicalIdOf(machines, fleetOperation as never),
    );
  });
});

describe('ApiStack grants, with a second domain owning a workflow', () => {
  const base = appWithData();
  const machines = new Stack(base.app, 'Machines');
  const machine = (id: string) => new sfn.StateMachine(machines, id, { definitionBody: sfn.DefinitionBody.fromChainable(new sfn.Pass(machines, `${id}Noop`)) });
  const fleetOperation = machine('FleetOperation');
  const kvSync = machine('KvSync');
  const { stack } = apiStack({
    ...base,
    stateMachines: { 'fleet-operation': fleetOperation, 'kv-sync': kvSync },
    workflowDomains: { 'fleet-operation': 'fleet', 'kv-sync': 'kvconfig' },
    routes: [
      route({ method: 'GET', path: '/admin/users', entry: 'admin/list-users' }),
      route({ method: 'POST', path: '/admin/users', entry: 'admin/create-user' }),
      route({ method: 'GET', path: '/v1/health', entry: 'fleet/health', access: 'public', family: 'release' }),
      route({ method: 'POST', path: '/v1/deploy/execute', entry: 'fleet/execute-deploy', access: 'operator', family: 'release' }),
      route({ method: 'GET', path: '/v1/deploy/status/{deploy_id}', entry: 'fleet/get-deploy-status', access: 'viewer', family: 'release' }),
      route({ method: 'POST', path: '/api/v1/envs/{env}/apps', entry: 'kvconfig/create-app', access: 'operator', family: 'kvconfig' }),
    ],
  });
  const granted = (entry: string) => JSON.stringify(statementsOf(stack.functions[entry]));
  const stateResources = (entry: string) =>
    statementsOf(stack.functions[entry])
      .filter((s) => actionsOf(s).some((a) => a.startsWith('states:')))
      .flatMap((s) => [s.Resource].flat().map((r) => JSON.stringify(r)));

  it('grants a public route its own domain table only: no platform read', () => {
    expect(granted('fleet/health')).toContain('FleetTableArn');
    expect(granted('fleet/health')).not.toContain('PlatformTableArn');
  });

  it('grants read-write data on the domain table, index queries included, to a handler that writes', () => {
    const create = granted('admin/create-user');
    expect(create).toContain('dynamodb:PutItem');
    expect(create).toContain('/index/*');
    expect(create).not.toContain('ConfigTableArn');
  });

  it('grants a GET-only handler read access only, index queries included', () => {
    const actions = statementsOf(stack.functions['admin/list-users']).flatMap(actionsOf);
    expect(actions).toEqual(expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:Query']));
    expect(actions.filter(writesData)).toEqual([]);
    expect(granted('admin/list-users')).toContain('/index/*');
  });

  it("lets a domain's write routes start, stop and answer its own state machine, and its read routes not", () => {
    const write = granted('fleet/execute-deploy');
    for (const action of ['states:StartExecution', 'states:StopExecution', 'states:SendTaskSuccess', 'states:SendTaskFailure', 'states:SendTaskHeartbeat'])
      expect(write).toContain(action);
    expect(write).toContain(':execution:');
    expect(granted('fleet/get-deploy-status')).not.toContain('states:');
  });

  it("keeps each domain's handlers away from another domain's state machine", () => {
    expect(stateResources('fleet/execute-deploy').length).toBeGreaterThan(0);
    for (const resource of stateResources('fleet/execute-deploy')) expect(resource).toContain('FleetOperationStateMachineName');
    expect(stateResources('kvconfig/create-app').length).toBeGreaterThan(0);
    for (const resource of stateResources('kvconfig/create-app')) expect(resource).toContain('KvSyncStateMachineName');
    expect(granted('admin/create-user')).not.toContain('states:');
    expect(JSON.stringify(resourcesOf(stack.domains.fleet as never, 'AWS::IAM::Policy'))).not.toContain('KvSync');
    expect(JSON.stringify(resourcesOf(stack.domains.kvconfig as never, 'AWS::IAM::Policy'))).not.toContain('FleetOperation');
  });

  it("passes a domain only its own state machines' ARNs as STATE_MACHINES", () => {
    const machinesOf = (entry: string) =>
      JSON.stringify(
        (lambdaPropertiesOf(stack.functions[entry] as HouseFunction).Environment as { Variables: Record<string, unknown> }).Variables.STATE_MACHINES,
      );
    expect(machinesOf('fleet/health')).toContain('"fleet-operation');
    expect(machinesOf('fleet/health')).not.toContain('kv-sync');
    expect(machinesOf('kvconfig/create-app')).toContain('"kv-sync');
    expect(machinesOf('admin/list-users')).not.toContain('fleet-operation');
  });

  it('refuses a state machine no domain owns', () => {
    const other = appWithData();
    const orphan = new sfn.StateMachine(new Stack(other.app, 'M'), 'Orphan', {
      definitionBody: sfn.DefinitionBody.fromChainable(new sfn.Pass(other.app, 'P')),
    });
    expect(() =>
      apiStack({ ...other, stateMachines: { orphan }, workflowDomains: {}, routes: [route({ method: 'GET', path: '/x', entry: 'health/health' })] }),
    ).toThrow(/state machine orphan has no owning domain/);
  });
});

describe('ApiStack with a streaming route past 29 seconds', () => {
  const { stack } = apiStack({
    routes: [route({ method: 'GET', path: '/wait', entry: 'health/health', access: 'public', timeoutSeconds: 90, streaming: true })],
  });
  const [fn] = Object.values(resourcesWithNested(stack, 'AWS::Lambda::Function'));
  const [method] = Object.values(resourcesWithNested(stack, 'AWS::ApiGateway::Method'));
  const integration = method?.Properties?.Integration as { Type: string; ResponseTransferMode: string; TimeoutInMillis: number; Uri: unknown };

  it('gives the function the route timeout and reserved concurrency', () => {
    expect(fn?.Properties).toMatchObject({ Timeout: 90, ReservedConcurrentExecutions: 7 });
  });

  it('streams the response through the response-streaming invocation with the raised integration timeout', () => {
    expect(integration).toMatchObject({ Type: 'AWS_PROXY', ResponseTransferMode: 'STREAM', TimeoutInMillis: 90_000 });
    expect(JSON.stringify(integration.Uri)).toContain('/2021-11-15/functions/');
    expect(JSON.stringify(integration.Uri)).toContain('/response-streaming-invocations');
  });

  it('leaves routes within 29 seconds buffered and unreserved', () => {
    const buffered = apiStack({ routes: [route({ method: 'GET', path: '/quick', entry: 'health/health', access: 'public' })] }).stack;
    const [quick] = Object.values(resourcesWithNested(buffered, 'AWS::ApiGateway::Method'));
    const props = (quick?.Properties?.Integration ?? {}) as Record<string, unknown>;
    expect(props.ResponseTransferMode).toBeUndefined();
    expect(JSON.stringify(props.Uri)).toContain('/2015-03-31/functions/');
    const fn = Object.values(resourcesWithNested(buffered, 'AWS::Lambda::Function'))[0]?.Properties;
    expect(fn?.Timeout).toBe(29);
    expect(fn).not.toHaveProperty('ReservedConcurrentExecutions');
  });
});

describe('ApiStack route checks', () => {
  it('refuses a timeout beyond what a streamed response may last', () => {
    expect(() => apiStack({ routes: [route({ method: 'GET', path: '/x', entry: 'health/health', timeoutSeconds: 901, streaming: true })] })).toThrow(
      /GET \/x: timeoutSeconds must be an integer from 1 to 900, got 901/,
    );
  });

  it('refuses a route past 29 seconds that does not stream', () => {
    expect(() => apiStack({ routes: [route({ method: 'GET', path: '/x', entry: 'health/health', timeoutSeconds: 60 })] })).toThrow(
      /GET \/x: timeoutSeconds 60 needs streaming: true/,
    );
  });

  it('refuses the same method and path twice', () => {
    const row = route({ method: 'GET', path: '/x', entry: 'health/health' });
    expect(() => apiStack({ routes: [row, row] })).toThrow(/GET \/x appears twice/);
  });

  it('refuses rows sharing a handler that disagree on its timeout', () => {
    expect(() =>
      apiStack({
        routes: [
          route({ method: 'GET', path: '/x', entry: 'health/health' }),
          route({ method: 'POST', path: '/x', entry: 'health/health', timeoutSeconds: 20 }),
        ],
      }),
    ).toThrow(/share handler health\/health/);
  });

  it('refuses an entry with no handler file', () => {
    expect(() => apiStack({ routes: [route({ method: 'GET', path: '/x', entry: 'admin/no-such-handler' })] })).toThrow(/has no file/);
  });

  it('mounts the unmatched-request handler on every resource and as a greedy proxy', () => {
    const { stack } = apiStack({ routes: [route({ method: 'GET', path: '/a/{id}', entry: 'health/health' })], unmatchedEntry: 'health/ready' });
    expect(methodsOf(stack).sort()).toEqual(['ANY /', 'ANY /a', 'ANY /a/{id}', 'ANY /{proxy+}', 'GET /a/{id}'].sort());
  });
});

describe('ApiStack with an EKS cluster configured', () => {
  const base = appWithData();
  const stack = new ApiStack(base.app, 'Api', {
    tables: base.data.tables,
    runtime: { ...RUNTIME, eksClusterName: 'fleet' },
    routes: [
      route({ method: 'GET', path: '/admin/system/info', entry: 'admin/system-info', helm: true }),
      route({ method: 'GET', path: '/admin/users', entry: 'admin/list-users' }),
    ],
  });
  const granted = (entry: string) => JSON.stringify(statementsOf(stack.functions[entry]));

  it('lets functions that reach the cluster describe that one cluster, and no others', () => {
    expect(granted('admin/system-info')).toContain('eks:DescribeCluster');
    expect(granted('admin/system-info')).toContain(':cluster/fleet');
    expect(granted('admin/list-users')).not.toContain('eks:');
  });

  it('passes the cluster name as EKS_CLUSTER_NAME', () => {
    expect(
      (lambdaPropertiesOf(stack.functions['admin/system-info'] as HouseFunction).Environment as { Variables: Record<string, unknown> }).Variables
        .EKS_CLUSTER_NAME,
    ).toBe('fleet');
  });
});
