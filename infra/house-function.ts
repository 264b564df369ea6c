import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { KubectlV33Layer } from '@aws-cdk/lambda-layer-kubectl-v33';
import { ArnFormat, Duration, Stack } from 'aws-cdk-lib';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type { BundlingOptions } from 'aws-cdk-lib/aws-lambda-nodejs';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { acknowledge, referenceIn, wildcardResourceFinding } from './nag.js';

/** The repository root, found from this file's own location (infra/ sits beside functions/). */
export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

/**
 * How every function is bundled; `infra/bundle-size.ts` measures a handler with the same options.
 * The AWS SDK is bundled rather than taken from the runtime: lib-dynamodb must match the exact
 * client-dynamodb and smithy versions it was built against, the tests run against the versions in
 * package-lock.json, and bundling tree-shakes the clients to what a handler uses.
 */
export const HOUSE_BUNDLING = {
  format: OutputFormat.ESM,
  target: 'node24',
  minify: true,
  sourceMap: true,
  sourcesContent: false,
  mainFields: ['module', 'main'],
  // CommonJS dependencies bundled into ESM still call require() for Node built-ins.
  banner: "import { createRequire as __houseCreateRequire } from 'node:module'; const require = __houseCreateRequire(import.meta.url);",
  externalModules: [],
  forceDockerBundling: false,
} as const satisfies BundlingOptions;

/** The helm and kubectl binaries in the kubectl layer are x86-64 builds. */
export const HELM_BINARY = '/opt/helm/helm';

export type TableAccess = 'read' | 'read-write';

/** A state machine whose name is known (StateMachine, or one imported with its name). */
export type NamedStateMachine = IStateMachine & { readonly stateMachineName: string };

export interface HouseFunctionProps {
  /** Handler module under `functions/` without extension (`admin/list-users`); it exports `handler`. */
  readonly entry: string;
  /** Variables the function's configuration module reads (see `functionEnvironment`). */
  readonly environment: Readonly<Record<string, string>>;
  /** What the function does, for people reading the console. @default - the entry */
  readonly description?: string;
  /** @default 29 */
  readonly timeoutSeconds?: number;
  /** @default 512 */
  readonly memorySizeMb?: number;
  /**
   * Runs the helm binary: attaches the kubectl v33 layer (helm at /opt/helm/helm) and, because
   * that binary is x86-64 only, runs on x86_64 instead of arm64.
   * @default false
   */
  readonly helm?: boolean;
  /** @default - none: the function draws on the account's unreserved concurrency */
  readonly reservedConcurrentExecutions?: number;
  /** @default logs.RetentionDays.ONE_MONTH */
  readonly logRetention?: logs.RetentionDays;
  /**
   * The log group's name; the deployment names them all under one prefix so `/admin/system/logs`
   * can find them (`logGroupNameOf` in function-environment.ts).
   * @default - a name CloudFormation generates
   */
  readonly logGroupName?: string;
}

/**
 * The one way this project makes a Lambda function: Node.js 24 ESM bundle of a handler under
 * `functions/`, arm64 unless it needs helm, X-Ray active, JSON logs to its own log group with a
 * retention, and a role of its own that starts with nothing but writing that log group.
 */
export class HouseFunction extends Construct implements iam.IGrantable {
  readonly function: NodejsFunction;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;
  readonly grantPrincipal: iam.IPrincipal;
  /** The handler module it runs (`HouseFunctionProps.entry`). */
  readonly entry: string;

  constructor(scope: Construct, id: string, props: HouseFunctionProps) {
    super(scope, id);
    this.entry = props.entry;
    const entry = entryPath(props.entry);
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
      ...(props.logGroupName ? { logGroupName: props.logGroupName } : {}),
    });
    // An own role instead of AWSLambdaBasicExecutionRole: it may write to this log group only.
    this.role = new iam.Role(this, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'), description: `Runs ${props.entry}` });
    this.logGroup.grantWrite(this.role);
    this.grantPrincipal = this.role;

    this.function = new NodejsFunction(this, 'Function', {
      entry,
      handler: 'handler',
      projectRoot: REPO_ROOT,
      depsLockFilePath: `${REPO_ROOT}package-lock.json`,
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: props.helm ? lambda.Architecture.X86_64 : lambda.Architecture.ARM_64,
      memorySize: props.memorySizeMb ?? 512,
      timeout: Duration.seconds(props.timeoutSeconds ?? 29),
      description: (props.description ?? props.entry).slice(0, 256),
      environment: { ...props.environment, ...(props.helm ? { HELM_BINARY } : {}) },
      layers: props.helm ? [kubectlLayer(this)] : [],
      reservedConcurrentExecutions: props.reservedConcurrentExecutions,
      tracing: lambda.Tracing.ACTIVE,
      loggingFormat: lambda.LoggingFormat.JSON,
      logGroup: this.logGroup,
      role: this.role,
      bundling: HOUSE_BUNDLING,
    });
    acknowledge(
      this,
      'AwsSolutions-IAM5[Resource::*]',
      'X-Ray PutTraceSegments/PutTelemetryRecords (added by active tracing) have no resource-level permissions; * is the only resource they accept.',
    );
  }

  /** Lets the function read, or read and write, a table's items and query its indexes. */
  grantTableData(table: ITableV2, access: TableAccess): void {
    if (access === 'read-write') table.grantReadWriteData(this);
    else table.grantReadData(this);
    const tableArn = referenceIn(this, table, table.tableArn);
    acknowledge(
      this,
      wildcardResourceFinding(this, `${tableArn}/index/*`),
      'index/* of this one table: the store modules query its global secondary indexes (gsi1, gsi2), and nothing else matches.',
    );
  }

  /**
   * Lets the function read single items of a table by key (GetItem) and nothing else: what the
   * shared authentication middleware needs for its token lookup in the platform table.
   */
  grantItemLookup(table: ITableV2): void {
    this.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['dynamodb:GetItem'], resources: [table.tableArn] }));
  }

  /**
   * Lets the function look up an EKS cluster's endpoint and CA (DescribeCluster), which it needs
   * to talk to the cluster. Kubernetes permissions come from the cluster's access entries.
   */
  grantClusterDescribe(clusterName: string): void {
    const cluster = Stack.of(this).formatArn({ service: 'eks', resource: 'cluster', resourceName: clusterName });
    this.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['eks:DescribeCluster'], resources: [cluster] }));
  }

  /**
   * Lets the function start a state machine, stop its executions, and answer its task tokens
   * (SendTaskSuccess/Failure/Heartbeat).
   */
  grantWorkflowControl(machine: NamedStateMachine): void {
    machine.grantStartExecution(this);
    machine.grantTaskResponse(this);
    const name = referenceIn(this, machine, machine.stateMachineName);
    const executions = Stack.of(this).formatArn({
      service: 'states',
      resource: 'execution',
      resourceName: `${name}:*`,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    this.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['states:StopExecution'], resources: [executions] }));
    acknowledge(
      this,
      wildcardResourceFinding(this, executions),
      'Executions of this one state machine: execution names are operation ids created at run time, so the ARN ends in a wildcard.',
    );
  }
}

function entryPath(entry: string): string {
  if (!/^[a-z0-9-]+(\/[a-z0-9-]+)*$/.test(entry))
    throw new Error(`handler entry '${entry}' must be a path under functions/ like 'admin/list-users' (lowercase, no extension, no '..')`);
  const path = fileURLToPath(new URL(`../functions/${entry}.ts`, import.meta.url));
  if (!existsSync(path)) throw new Error(`handler entry '${entry}' has no file: expected ${path}`);
  return path;
}

/** One kubectl layer per stack, shared by the stack's helm functions. */
function kubectlLayer(scope: Construct): lambda.ILayerVersion {
  const stack = Stack.of(scope);
  const existing = stack.node.tryFindChild('KubectlV33Layer');
  if (existing instanceof KubectlV33Layer) return existing;
  return new KubectlV33Layer(stack, 'KubectlV33Layer');
}
