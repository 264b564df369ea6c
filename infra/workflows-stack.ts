import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { StackProps } from 'aws-cdk-lib';
import { ArnFormat, Duration, Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import type { FunctionDef, WorkflowDef } from '#functions/tasks.js';
import { FUNCTIONS, WORKFLOWS, placeholderOf } from '#functions/tasks.js';
import { constructIdOf, tableOfEntry, usesCluster } from './domains.js';
import type { DataTables, RuntimeSettings } from './function-environment.js';
import { functionEnvironment, logGroupNameOf } from './function-environment.js';
import { grantClusterUse } from './function-grants.js';
import { HouseFunction, REPO_ROOT } from './house-function.js';
import { acknowledge } from './nag.js';

export interface WorkflowsStackProps extends StackProps {
  readonly tables: DataTables;
  readonly runtime: RuntimeSettings;
  /** @default WORKFLOWS (functions/tasks.ts) */
  readonly workflows?: readonly WorkflowDef[];
  /** Task and event functions; custom resources are skipped. @default FUNCTIONS (functions/tasks.ts) */
  readonly functions?: readonly FunctionDef[];
  /** Folder of the ASL files named by `WorkflowDef.file`. @default `<repo>/statemachines` */
  readonly definitionsDir?: string;
  /** @default ONE_MONTH */
  readonly logRetention?: logs.RetentionDays;
}

/**
 * The state machines: one Standard state machine per workflow, its ASL file loaded as written with
 * each `${<Task>FunctionArn}` placeholder bound to that task's function; full logging (without
 * execution data, which may hold credentials) and X-Ray; and per workflow with an owner
 * (`WorkflowDef.endedBy`) an EventBridge rule that hands every end of its executions (succeeded,
 * failed, timed out, aborted) to that owner's event function — only the machine's own ARN, so
 * child executions of a Distributed Map are not routed.
 */
export class WorkflowsStack extends Stack {
  readonly stateMachines: Readonly<Record<string, sfn.StateMachine>>;
  /** Task and event functions by `FunctionDef.name`. */
  readonly functions: Readonly<Record<string, HouseFunction>>;

  constructor(scope: Construct, id: string, props: WorkflowsStackProps) {
    super(scope, id, props);
    const retention = props.logRetention ?? logs.RetentionDays.ONE_MONTH;
    // No STATE_MACHINES here: the machines reference these functions, so the reverse is a cycle.
    const environment = functionEnvironment(this, { tables: props.tables, runtime: props.runtime });
    const functions: Record<string, HouseFunction> = {};
    for (const def of (props.functions ?? FUNCTIONS).filter((f) => f.kind === 'task' || f.kind === 'event')) {
      if (functions[def.name]) throw new Error(`function ${def.name} is defined twice in FUNCTIONS`);
      const fn = new HouseFunction(this, def.name, {
        entry: def.entry,
        environment,
        description: `${def.kind} ${def.name}`,
        timeoutSeconds: def.timeoutSeconds ?? 60,
        helm: def.helm,
        logRetention: retention,
        logGroupName: logGroupNameOf(props.runtime, def.entry),
      });
      fn.grantTableData(props.tables[tableOfEntry(def.entry)], 'read-write');
      if (usesCluster(def.entry, def.helm)) {
        // The Helm settings (registered clusters, poll interval) are one item of the platform table.
        fn.grantItemLookup(props.tables.platform);
        grantClusterUse(fn, props.runtime, 'edit');
      }
      functions[def.name] = fn;
    }
    this.functions = functions;

    const dir = props.definitionsDir ?? join(REPO_ROOT, 'statemachines');
    const machines: Record<string, sfn.StateMachine> = {};
    for (const workflow of props.workflows ?? WORKFLOWS) {
      machines[workflow.name] = this.stateMachine(workflow, join(dir, workflow.file), functions, retention);
    }
    this.stateMachines = machines;

    for (const workflow of props.workflows ?? WORKFLOWS) {
      if (!workflow.endedBy) continue;
      const owner = functions[workflow.endedBy];
      const machine = machines[workflow.name];
      if (!owner || !machine) throw new Error(`workflow ${workflow.name}: endedBy ${workflow.endedBy} is not an event function of this stack`);
      new events.Rule(this, `${constructIdOf(workflow.name)}EndedRule`, {
        description: `Every end of a ${workflow.name} execution, to its owner ${workflow.endedBy}`,
        eventPattern: {
          source: ['aws.states'],
          detailType: ['Step Functions Execution Status Change'],
          detail: { status: ['SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED'], stateMachineArn: [machine.stateMachineArn] },
        },
        targets: [new targets.LambdaFunction(owner.function, { retryAttempts: 8, maxEventAge: Duration.hours(6) })],
      });
    }
  }

  private stateMachine(
    workflow: WorkflowDef,
    file: string,
    functions: Readonly<Record<string, HouseFunction>>,
    retention: logs.RetentionDays,
  ): sfn.StateMachine {
    if (!existsSync(file)) throw new Error(`workflow ${workflow.name}: ASL file ${file} does not exist`);
    const substitutions: Record<string, string> = {};
    const tasks: HouseFunction[] = [];
    for (const task of workflow.tasks) {
      const fn = functions[task];
      if (!fn)
        throw new Error(`workflow ${workflow.name} names task ${task}, which is not a task function (have: ${Object.keys(functions).join(', ') || 'none'})`);
      substitutions[placeholderOf(task)] = fn.function.functionArn;
      tasks.push(fn);
    }
    const unbound = [...readFileSync(file, 'utf8').matchAll(/\$\{(\w+)\}/g)].map((m) => m[1] ?? '').filter((p) => !(p in substitutions));
    if (unbound.length > 0)
      throw new Error(
        `workflow ${workflow.name}: ${file} uses \${${unbound.join('}, ${')}} but its tasks (${workflow.tasks.join(', ')}) bind only ${Object.keys(substitutions).join(', ') || 'nothing'}`,
      );

    const id = constructIdOf(workflow.name);
    const distributed = readFileSync(file, 'utf8').includes('"DISTRIBUTED"');
    // A Distributed Map starts child executions of its own machine, so the role must name the
    // machine's ARN; a name derived from the stack (not a fixed one) breaks the role↔machine cycle.
    const stateMachineName = distributed ? `${this.stackName}-${workflow.name}`.slice(0, 80) : undefined;
    const machine = new sfn.StateMachine(this, id, {
      ...(stateMachineName ? { stateMachineName } : {}),
      stateMachineType: sfn.StateMachineType.STANDARD,
      definitionBody: sfn.DefinitionBody.fromFile(file),
      definitionSubstitutions: substitutions,
      tracingEnabled: true,
      logs: { destination: new logs.LogGroup(this, `${id}Logs`, { retention }), level: sfn.LogLevel.ALL, includeExecutionData: false },
    });
    // Exactly the unqualified function ARNs the ASL names (grantInvoke would add `<arn>:*` too).
    if (tasks.length > 0)
      machine.addToRolePolicy(new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: tasks.map((t) => t.function.functionArn) }));
    if (stateMachineName) this.grantDistributedMap(machine, stateMachineName);
    acknowledge(
      machine,
      'AwsSolutions-IAM5[Resource::*]',
      'CloudWatch Logs delivery (logs:CreateLogDelivery and friends) and X-Ray tracing actions have no resource-level permissions; * is the only resource they accept.',
    );
    return machine;
  }

  /** What a Distributed Map's parent needs: start its child executions and see or stop them. */
  private grantDistributedMap(machine: sfn.StateMachine, name: string): void {
    const machineArn = this.formatArn({ service: 'states', resource: 'stateMachine', resourceName: name, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
    const childExecutions = this.formatArn({ service: 'states', resource: 'execution', resourceName: `${name}/*`, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
    machine.addToRolePolicy(new iam.PolicyStatement({ actions: ['states:StartExecution'], resources: [machineArn] }));
    machine.addToRolePolicy(new iam.PolicyStatement({ actions: ['states:DescribeExecution', 'states:StopExecution'], resources: [childExecutions] }));
    acknowledge(
      machine,
      `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:${name}/*]`,
      "The Distributed Map's child executions are named by Step Functions at run time under this machine's map-run prefix.",
    );
  }
}
