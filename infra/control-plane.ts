import type { AppProps, Environment } from 'aws-cdk-lib';
import { App, Tags, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import pkg from '../package.json' with { type: 'json' };
import { FUNCTIONS, WORKFLOWS } from '#functions/tasks.js';
import { AdminStack } from './admin-stack.js';
import { ApiStack } from './api-stack.js';
import { DataStack } from './data-stack.js';
import type { EksAccessMode, LogLevel, RuntimeSettings } from './function-environment.js';
import { DEPLOYMENT_TAG, EKS_ACCESS_MODES, LOG_LEVELS } from './function-environment.js';
import { PushStack } from './push-stack.js';
import { WorkflowsStack } from './workflows-stack.js';

export type ControlPlane = Readonly<{
  app: App;
  data: DataStack;
  /** Absent while there are no workflows or task functions: CloudFormation refuses an empty stack. */
  workflows: WorkflowsStack | undefined;
  api: ApiStack;
  push: PushStack;
  admin: AdminStack;
}>;

/**
 * Cross-stack references stay CloudFormation exports/imports ("strong"): a table cannot be removed
 * from under a stack that still uses it. Set here rather than in cdk.json so tests get it too.
 */
const DEFAULT_CONTEXT = { '@aws-cdk/core:defaultCrossStackReferences': 'strong' } as const;

/**
 * The whole app, with the cdk-nag AwsSolutions checks on every stack. Settings come from CDK
 * context (`cdk synth -c logLevel=DEBUG`), all optional, so synthesis needs no AWS lookups:
 * `stackPrefix` (ControlPlane; also the deployment's name: its tag, its log group prefix),
 * `appVersion` (package.json), `logLevel` (INFO), `eksClusterName`, `eksAccess` (`scoped` or
 * `cluster-admin`, see EksAccessMode), and `account`/`region` (unset: environment-agnostic stacks,
 * resolved at deploy time).
 */
export function createControlPlane(props: AppProps = {}): ControlPlane {
  const app = new App({ ...props, context: { ...DEFAULT_CONTEXT, ...props.context } });
  const prefix = contextString(app, 'stackPrefix') ?? 'ControlPlane';
  const account = contextString(app, 'account');
  const region = contextString(app, 'region');
  const env: Environment | undefined = account || region ? { account, region } : undefined;
  const runtime = runtimeSettings(app, prefix);
  // Every resource names its deployment; /admin/system/restart may update only functions with this tag.
  Tags.of(app).add(DEPLOYMENT_TAG, prefix);

  const data = new DataStack(app, `${prefix}Data`, { env, description: 'Control plane: DynamoDB tables' });
  const hasWorkflows = WORKFLOWS.length > 0 || FUNCTIONS.some((f) => f.kind === 'task' || f.kind === 'event');
  const workflows = hasWorkflows
    ? new WorkflowsStack(app, `${prefix}Workflows`, {
        env,
        description: 'Control plane: state machines and their task functions',
        tables: data.tables,
        runtime,
      })
    : undefined;
  const api = new ApiStack(app, `${prefix}Api`, {
    env,
    description: 'Control plane: REST API, handlers, WAF',
    tables: data.tables,
    runtime,
    stateMachines: workflows?.stateMachines ?? {},
    unmatchedEntry: fallbackEntry(),
  });
  const configStreamArn = data.streams.config;
  if (!configStreamArn) throw new Error('the config table needs its stream (TABLE_DEFINITIONS): the push fan-out reads it');
  const push = new PushStack(app, `${prefix}Push`, {
    env,
    description: 'Control plane: configuration center push (WebSocket API, stream fan-out)',
    tables: data.tables,
    configStreamArn,
    runtime,
  });
  const admin = new AdminStack(app, `${prefix}Admin`, { env, description: 'Control plane: first admin token and its bootstrap', tables: data.tables, runtime });

  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
  return { app, data, workflows, api, push, admin };
}

/** The function that renders 404/405 for requests no route serves (FUNCTIONS' `http-fallback`). */
function fallbackEntry(): string | undefined {
  return FUNCTIONS.find((f) => f.kind === 'http-fallback')?.entry;
}

function runtimeSettings(app: App, deploymentName: string): RuntimeSettings {
  const logLevel = contextString(app, 'logLevel') ?? 'INFO';
  if (!isLogLevel(logLevel)) throw new Error(`context logLevel must be one of ${LOG_LEVELS.join(', ')}, got '${logLevel}'`);
  const eksAccess = contextString(app, 'eksAccess') ?? 'scoped';
  if (!isEksAccess(eksAccess)) throw new Error(`context eksAccess must be one of ${EKS_ACCESS_MODES.join(', ')}, got '${eksAccess}'`);
  return {
    appVersion: contextString(app, 'appVersion') ?? pkg.version,
    logLevel,
    eksClusterName: contextString(app, 'eksClusterName'),
    eksAccess,
    deploymentName,
  };
}

const isLogLevel = (value: string): value is LogLevel => (LOG_LEVELS as readonly string[]).includes(value);
const isEksAccess = (value: string): value is EksAccessMode => (EKS_ACCESS_MODES as readonly string[]).includes(value);

function contextString(app: App, key: string): string | undefined {
  const value: unknown = app.node.tryGetContext(key);
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') throw new Error(`context ${key} must be a string, got ${JSON.stringify(value)}`);
  return value;
}
