import { CfnParameter, Duration, NestedStack } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import type * as logs from 'aws-cdk-lib/aws-logs';
import { StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import { TABLE_DEFINITIONS } from '#shared/tables.js';
import type { ApiResourceTree } from './api-resources.js';
import type { HandlerGroup } from './api-routes.js';
import { routeKey } from './api-routes.js';
import type { TableKey } from './domains.js';
import { constructIdOf, tableOfEntry, usesCluster } from './domains.js';
import type { DataTables, RuntimeSettings } from './function-environment.js';
import { functionEnvironment, logGroupNameOf } from './function-environment.js';
import { grantClusterUse, grantRouteNeeds } from './function-grants.js';
import type { NamedStateMachine } from './house-function.js';
import { HouseFunction } from './house-function.js';

export interface DomainApiStackProps {
  readonly domain: string;
  /** The handler groups of this domain's routes. */
  readonly groups: readonly HandlerGroup[];
  readonly tree: ApiResourceTree;
  readonly tables: DataTables;
  /** The state machines this domain owns, by workflow name: the only ones its handlers may control. */
  readonly stateMachines: Readonly<Record<string, NamedStateMachine>>;
  readonly runtime: RuntimeSettings;
  readonly streamingReservedConcurrency: number;
  readonly logRetention: logs.RetentionDays;
}

/**
 * One domain's share of the API (a nested stack of the API stack): its functions, their roles and
 * log groups, its methods, and the resources only its routes use. Keeps every stack far from
 * CloudFormation's 500 resources as families are added.
 *
 * Tables and state machines come in as parameters of this stack and are imported from them, so
 * the policies (and the cdk-nag acknowledgements that name their wildcard resources) refer to
 * `<PlatformTableArn>` and `<FleetOperationStateMachineName>` rather than to generated names.
 */
export class DomainApiStack extends NestedStack {
  /** Functions by handler entry. */
  readonly functions: Readonly<Record<string, HouseFunction>>;

  constructor(scope: Construct, id: string, props: DomainApiStackProps) {
    const tableParameter = (key: TableKey) => `${constructIdOf(key)}TableArn`;
    const machineParameter = (name: string) => `${constructIdOf(name)}StateMachineName`;
    super(scope, id, {
      description: `Control plane: the ${props.domain} routes' functions and methods`,
      parameters: {
        ...Object.fromEntries(TABLE_DEFINITIONS.map((d) => [tableParameter(d.key), props.tables[d.key].tableArn])),
        ...Object.fromEntries(Object.entries(props.stateMachines).map(([name, machine]) => [machineParameter(name), machine.stateMachineName])),
      },
    });
    props.tree.register(props.domain, this);

    const tables = Object.fromEntries(
      TABLE_DEFINITIONS.map((d) => {
        const arn = new CfnParameter(this, tableParameter(d.key), { type: 'String', description: `ARN of the ${d.key} table` }).valueAsString;
        return [d.key, TableV2.fromTableAttributes(this, `${constructIdOf(d.key)}Table`, { tableArn: arn, grantIndexPermissions: true })];
      }),
    ) as Record<TableKey, ITableV2>;
    const machines: Record<string, NamedStateMachine> = {};
    for (const name of Object.keys(props.stateMachines)) {
      const machineName = new CfnParameter(this, machineParameter(name), { type: 'String', description: `Name of the ${name} state machine` }).valueAsString;
      machines[name] = Object.assign(StateMachine.fromStateMachineName(this, constructIdOf(name), machineName), { stateMachineName: machineName });
    }

    const environment = functionEnvironment(this, { tables, runtime: props.runtime, stateMachines: machines });
    const functions: Record<string, HouseFunction> = {};
    for (const group of props.groups) {
      const fn = new HouseFunction(this, constructIdOf(group.entry), {
        entry: group.entry,
        environment,
        description: group.routes.map((r) => `${routeKey(r)}: ${r.summary}`).join('; '),
        timeoutSeconds: group.timeoutSeconds,
        helm: group.helm,
        reservedConcurrentExecutions: group.streaming ? props.streamingReservedConcurrency : undefined,
        logRetention: props.logRetention,
        logGroupName: logGroupNameOf(props.runtime, group.entry),
      });
      grantForGroup(fn, group, tables, machines);
      if (usesCluster(group.entry, group.helm)) grantClusterUse(fn, props.runtime, group.readOnly ? 'view' : 'edit');
      grantRouteNeeds(fn, group.grants, props.runtime, machines);
      for (const route of group.routes) {
        props.tree.resource(route.path).addMethod(route.method, integrationFor(fn, group), { authorizationType: apigateway.AuthorizationType.NONE });
      }
      functions[group.entry] = fn;
    }
    this.functions = functions;
  }
}

/**
 * A proxy integration; no console test-invoke permission, which would double the Lambda permissions
 * per method.
 */
function integrationFor(fn: HouseFunction, group: HandlerGroup): apigateway.LambdaIntegration {
  if (!group.streaming) return new apigateway.LambdaIntegration(fn.function, { allowTestInvoke: false });
  return new apigateway.LambdaIntegration(fn.function, {
    allowTestInvoke: false,
    responseTransferMode: apigateway.ResponseTransferMode.STREAM,
    timeout: Duration.seconds(group.timeoutSeconds),
  });
}

/**
 * Least privilege per handler: its domain's table, read-only when all its routes are GETs; of the
 * platform table only the GetItem its token lookup needs; and the state machines of its own domain
 * (start, stop, answer task tokens) only when it has a route that writes.
 */
function grantForGroup(
  fn: HouseFunction,
  group: HandlerGroup,
  tables: Readonly<Record<TableKey, ITableV2>>,
  ownMachines: Readonly<Record<string, NamedStateMachine>>,
): void {
  const own = tableOfEntry(group.entry);
  fn.grantTableData(tables[own], group.readOnly ? 'read' : 'read-write');
  if (group.authenticated && own !== 'platform') fn.grantItemLookup(tables.platform);
  if (group.writes) for (const machine of Object.values(ownMachines)) fn.grantWorkflowControl(machine);
}
