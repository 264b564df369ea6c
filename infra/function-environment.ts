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

/** Deployment-wide settings every function receives (see functions/shared/config.ts). */
export type RuntimeSettings = Readonly<{
  /** Reported by `/admin/system/info` and the health routes. */
  appVersion: string;
  logLevel: LogLevel;
  /** The EKS cluster Helm and Kubernetes calls go to; unset means "no cluster configured". */
  eksClusterName?: string | undefined;
}>;

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
  if (props.stateMachines) {
    const arns = Object.fromEntries(Object.entries(props.stateMachines).map(([name, machine]) => [name, machine.stateMachineArn]));
    env.STATE_MACHINES = Stack.of(scope).toJsonString(arns);
  }
  return env;
}
