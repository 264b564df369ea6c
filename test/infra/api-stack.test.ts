import type { App } from 'aws-cdk-lib';
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { describe, expect, it } from 'vitest';
import type { Route } from '../../functions/shared/route.js';
import { ROUTES } from '../../functions/routes.js';
import { ApiStack } from '../../infra/api-stack.js';
import type { DataStack } from '../../infra/data-stack.js';
import type { Resource } from './support.js';
import { RUNTIME, appWithData, logicalIdOf, resourcesOf, statementsOfRole } from './support.js';

/** `METHOD /path` of every API Gateway method in the template, the path rebuilt from the resource tree. */
function methodsOf(stack: Stack): string[] {
  const resources = resourcesOf(stack, 'AWS::ApiGateway::Resource');
  const pathOf = (ref: unknown): string => {
    const id = (ref as { Ref?: string }).Ref;
    if (!id) return ''; // Fn::GetAtt RootResourceId
    const resource = resources[id] as Resource;
    return `${pathOf(resource.Properties?.ParentId)}/${String(resource.Properties?.PathPart)}`;
  };
  return Object.values(resourcesOf(stack, 'AWS::ApiGateway::Method')).map(
    (m) => `${String(m.Properties?.HttpMethod)} ${pathOf(m.Properties?.ResourceId) || '/'}`,
  );
}

function apiStack(
  props: {
    routes?: readonly Route[];
    data?: DataStack;
    app?: App;
    stateMachines?: ConstructorParameters<typeof ApiStack>[2]['stateMachines'];
    unmatchedEntry?: string;
  } = {},
) {
  const base = props.data && props.app ? { app: props.app, data: props.data } : appWithData();
  const stack = new ApiStack(base.app, 'Api', {
    tables: base.data.tables,
    runtime: RUNTIME,
    routes: props.routes,
    stateMachines: props.stateMachines,
    unmatchedEntry: props.unmatchedEntry,
    streamingReservedConcurrency: 7,
  });
  return { stack, data: base.data, template: Template.fromStack(stack) };
}

const route = (row: Partial<Route> & Pick<Route, 'method' | 'path' | 'entry'>): Route => ({ access: 'admin', family: 'helm', summary: 'test route', ...row });

describe('ApiStack with the route table', () => {
  const { stack, template } = apiStack();
  const entries = [...new Set(ROUTES.map((r) => r.entry))];

  it('has exactly one method per route, at the route path', () => {
    expect(methodsOf(stack).sort()).toEqual(ROUTES.map((r) => `${r.method} ${r.path}`).sort());
  });

  it('has one function per handler module, Node.js 24 with active tracing', () => {
    const functions = Object.values(resourcesOf(stack, 'AWS::Lambda::Function'));
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
      const fn = stack.functions[entry];
      const props = resourcesOf(stack, 'AWS::Lambda::Function')[logicalIdOf(stack, fn?.function as never)]?.Properties ?? {};
      expect(props.Architectures, entry).toEqual([helm ? 'x86_64' : 'arm64']);
      expect((props.Layers as unknown[] | undefined)?.length ?? 0, entry).toBe(helm ? 1 : 0);
      if (helm) expect((props.Environment as { Variables: Record<string, unknown> }).Variables.HELM_BINARY).toBe('/opt/helm/helm');
    }
    expect(ROUTES.find((r) => r.path === '/admin/system/info')?.helm).toBe(true);
  });

  it('passes every table name and the Powertools settings to each function', () => {
    for (const fn of Object.values(resourcesOf(stack, 'AWS::Lambda::Function'))) {
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
    template.resourceCountIs('AWS::Logs::LogGroup', entries.length + 1); // + the access log
    for (const group of Object.values(resourcesOf(stack, 'AWS::Logs::LogGroup'))) expect(group.Properties?.RetentionInDays).toBe(30);
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
    expect(JSON.stringify(association?.Properties?.ResourceArn)).toContain(logicalIdOf(stack, stack.api.deploymentStage as never));
  });

  it('alarms on 5XX answers', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: '5XXError', Namespace: 'AWS/ApiGateway', Threshold: 5 });
  });
});

describe('ApiStack grants', () => {
  const base = appWithData();
  const machines = new Stack(base.app, 'Machines');
  const deploy = new sfn.StateMachine(machines, 'Deploy', { definitionBody: sfn.DefinitionBody.fromChainable(new sfn.Pass(machines, 'Noop')) });
  const { stack, data } = apiStack({
    ...base,
    stateMachines: { deploy },
    routes: [
      route({ method: 'GET', path: '/admin/users', entry: 'admin/list-users' }),
      route({ method: 'POST', path: '/admin/users', entry: 'admin/create-user' }),
      route({ method: 'GET', path: '/v1/health', entry: 'fleet/health', access: 'public', family: 'release' }),
    ],
  });
  const statementsOf = (entry: string) => JSON.stringify(statementsOfRole(stack, logicalIdOf(stack, stack.functions[entry]?.role as never)));
  const exportOf = (key: keyof DataStack['tables']) => logicalIdOf(data, data.tables[key]);

  it('grants a public route its own domain table only: no platform read', () => {
    const granted = statementsOf('fleet/health');
    expect(granted).toContain(exportOf('fleet'));
    expect(granted).not.toContain(exportOf('platform'));
  });

  it('grants read-write data on the domain table, index queries included', () => {
    const granted = statementsOf('admin/list-users');
    expect(granted).toContain('dynamodb:PutItem');
    expect(granted).toContain('/index/*');
    expect(granted).not.toContain(exportOf('config'));
  });

  it('lets write routes start, stop and answer the state machines, and read routes not', () => {
    const write = statementsOf('admin/create-user');
    for (const action of ['states:StartExecution', 'states:StopExecution', 'states:SendTaskSuccess', 'states:SendTaskFailure', 'states:SendTaskHeartbeat'])
      expect(write).toContain(action);
    expect(write).toContain(':execution:');
    expect(statementsOf('admin/list-users')).not.toContain('states:');
  });

  it('passes the state machine ARNs as STATE_MACHINES', () => {
    const fn = resourcesOf(stack, 'AWS::Lambda::Function')[logicalIdOf(stack, stack.functions['admin/list-users']?.function as never)];
    expect(JSON.stringify((fn?.Properties?.Environment as { Variables: Record<string, unknown> }).Variables.STATE_MACHINES)).toContain('"deploy');
  });
});

describe('ApiStack with a streaming route past 29 seconds', () => {
  const { stack } = apiStack({
    routes: [route({ method: 'GET', path: '/wait', entry: 'health/health', access: 'public', timeoutSeconds: 90, streaming: true })],
  });
  const [fn] = Object.values(resourcesOf(stack, 'AWS::Lambda::Function'));
  const [method] = Object.values(resourcesOf(stack, 'AWS::ApiGateway::Method'));
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
    const [quick] = Object.values(resourcesOf(buffered, 'AWS::ApiGateway::Method'));
    const props = (quick?.Properties?.Integration ?? {}) as Record<string, unknown>;
    expect(props.ResponseTransferMode).toBeUndefined();
    expect(JSON.stringify(props.Uri)).toContain('/2015-03-31/functions/');
    const fn = Object.values(resourcesOf(buffered, 'AWS::Lambda::Function'))[0]?.Properties;
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
  const statementsOf = (entry: string) => JSON.stringify(statementsOfRole(stack, logicalIdOf(stack, stack.functions[entry]?.role as never)));

  it('lets functions that reach the cluster describe that one cluster, and no others', () => {
    expect(statementsOf('admin/system-info')).toContain('eks:DescribeCluster');
    expect(statementsOf('admin/system-info')).toContain(':cluster/fleet');
    expect(statementsOf('admin/list-users')).not.toContain('eks:');
  });

  it('passes the cluster name as EKS_CLUSTER_NAME', () => {
    const fn = resourcesOf(stack, 'AWS::Lambda::Function')[logicalIdOf(stack, stack.functions['admin/system-info']?.function as never)];
    expect((fn?.Properties?.Environment as { Variables: Record<string, unknown> }).Variables.EKS_CLUSTER_NAME).toBe('fleet');
  });
});
