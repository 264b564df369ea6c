import { Stack } from 'aws-cdk-lib';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import type { IConstruct } from 'constructs';
import { TABLE_DEFINITIONS } from '#shared/tables.js';
import type { TableKey } from './domains.js';

/** The application's tables, by `TableDefinition.key`. */
export type DataTables = Readonly<Record<TableKey, ITableV2>>;

export const LOG_LEVELS = ['DEBUG', 'INFO', 'WARN', 'ERROR', 'SILENT'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 * What the Helm functions may do in the EKS cluster (their access entries' access policies):
 * - `scoped` (default): readers get AmazonEKSAdminViewPolicy (read everything, nodes and metrics
 *   included); writers AmazonEKSAdminPolicy over the whole cluster (every namespaced resource) and
 *   the Kubernetes group `control-plane:helm-writers`, which the cluster owner binds to a ClusterRole
 *   for what that policy lacks — creating namespaces, and any cluster-scoped objects their charts
 *   hold (docs/deploy.md has the manifest).
 * - `cluster-admin`: writers get AmazonEKSClusterAdminPolicy instead (charts with CRDs, ClusterRoles…
 *   without any RBAC to apply by hand).
 */
export const EKS_ACCESS_MODES = ['scoped', 'cluster-admin'] as const;
export type EksAccessMode = (typeof EKS_ACCESS_MODES)[number];

/** Deployment-wide settings every function receives (see functions/shared/config.ts). */
export type RuntimeSettings = Readonly<{
  /** Reported by `/admin/system/info` and the health routes. */
  appVersion: string;
  logLevel: LogLevel;
  /** The EKS cluster Helm and Kubernetes calls go to; unset means "no cluster configured". */
  eksClusterName?: string | undefined;
  /** @default 'scoped' */
  eksAccess?: EksAccessMode | undefined;
  /**
   * The deployment's name (the stack prefix). Functions carry it in `DEPLOYMENT_NAME` and in the
   * `control-plane:deployment` tag (what `/admin/system/restart` finds and may update), and their log
   * groups are named `/control-plane/<name>/<handler>` (what `/admin/system/logs` queries).
   * @default - none: generated log group names, and no logs or restart in AWS
   */
  deploymentName?: string | undefined;
}>;

/** The tag every resource of a deployment carries, valued with its name. */
export const DEPLOYMENT_TAG = 'control-plane:deployment';

/** Where a deployment's function log groups are named: `/control-plane/<deployment>/`. */
export function logGroupPrefixOf(runtime: RuntimeSettings): string | undefined {
  return runtime.deploymentName ? `/control-plane/${runtime.deploymentName}/` : undefined;
}

/** The log group name of a function running `entry` (undefined: let CloudFormation name it). */
export function logGroupNameOf(runtime: RuntimeSettings, entry: string): string | undefined {
  const prefix = logGroupPrefixOf(runtime);
  return prefix ? `${prefix}${entry}` : undefined;
}

/** Powertools names; they match functions/shared/observability.ts. */
export const POWERTOOLS_SERVICE_NAME = 'control-plane';
export const POWERTOOLS_METRICS_NAMESPACE = 'ControlPlane';

export type FunctionEnvironmentProps = Readonly<{
  tables: DataTables;
  runtime: RuntimeSettings;
  /**
   * State machines the function may start, by workflow name (the STATE_MACHINES variable).
   * Omitted for functions that run inside those state machines, which would make a cycle.
   */
  stateMachines?: Readonly<Record<string, IStateMachine>>;
}>;

/**
 * The environment of a function in `scope`: exactly the variables functions/shared/config.ts reads,
 * plus Powertools' own. Table names and state machine ARNs become cross-stack references.
 */
export function functionEnvironment(scope: IConstruct, props: FunctionEnvironmentProps): Record<string, string> {
  const env: Record<string, string> = {
    APP_VERSION: props.runtime.appVersion,
    LOG_LEVEL: props.runtime.logLevel,
    POWERTOOLS_SERVICE_NAME,
    POWERTOOLS_METRICS_NAMESPACE,
    // Stack traces point into the TypeScript sources through the bundle's source map.
    NODE_OPTIONS: '--enable-source-maps',
  };
  for (const definition of TABLE_DEFINITIONS) env[definition.envVar] = props.tables[definition.key].tableName;
  if (props.runtime.eksClusterName) env.EKS_CLUSTER_NAME = props.runtime.eksClusterName;
  if (props.runtime.deploymentName) {
    env.DEPLOYMENT_NAME = props.runtime.deploymentName;
    env.LOG_GROUP_PREFIX = logGroupPrefixOf(props.runtime) ?? '';
  }
  if (props.stateMachines) {
    const arns = Object.fromEntries(Object.entries(props.stateMachines).map(([name, machine]) => [name, machine.stateMachineArn]));
    env.STATE_MACHINES = Stack.of(scope).toJsonString(arns);
  }
  return env;
}
