import { fileURLToPath } from 'node:url';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import type { FunctionDef, WorkflowDef } from '../../functions/tasks.js';
import { WorkflowsStack } from '../../infra/workflows-stack.js';
import { RUNTIME, appWithData, logicalIdOf, resourcesOf, statementsOfRole, unacknowledgedFindings } from './support.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/statemachines', import.meta.url));
const FUNCTIONS: readonly FunctionDef[] = [
  { name: 'Echo', kind: 'task', entry: 'health/health', timeoutSeconds: 30 },
  { name: 'FixtureEnded', kind: 'event', entry: 'fleet/health' },
  { name: 'BootstrapAdmin', kind: 'custom-resource', entry: 'admin/bootstrap-admin' },
];
const WORKFLOWS: readonly WorkflowDef[] = [{ name: 'infra-fixture', file: 'infra-fixture.asl.json', tasks: ['Echo'], endedBy: 'FixtureEnded' }];

function workflowsStack(workflows: readonly WorkflowDef[] = WORKFLOWS, functions: readonly FunctionDef[] = FUNCTIONS, definitionsDir = FIXTURES) {
  const { app, data } = appWithData();
  const stack = new WorkflowsStack(app, 'Workflows', { tables: data.tables, runtime: RUNTIME, workflows, functions, definitionsDir });
  return { app, stack, template: Template.fromStack(stack) };
}

describe('WorkflowsStack with the fixture workflow', () => {
  const { app, stack, template } = workflowsStack();
  const echoArn = { 'Fn::GetAtt': [logicalIdOf(stack, stack.functions.Echo?.function as never), 'Arn'] };
  const machineId = logicalIdOf(stack, stack.stateMachines['infra-fixture'] as never);

  it('creates task and event functions, not custom-resource ones', () => {
    expect(Object.keys(stack.functions).sort()).toEqual(['Echo', 'FixtureEnded']);
    template.resourceCountIs('AWS::Lambda::Function', 2);
  });

  it('binds the ASL placeholder to the task function ARN in a Standard state machine', () => {
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      StateMachineType: 'STANDARD',
      DefinitionSubstitutions: { EchoFunctionArn: echoArn },
      TracingConfiguration: { Enabled: true },
      LoggingConfiguration: { Level: 'ALL', IncludeExecutionData: false },
    });
  });

  it('lets the state machine invoke exactly its task function', () => {
    const roleId = logicalIdOf(stack, stack.stateMachines['infra-fixture']?.role as never);
    const invoke = statementsOfRole(stack, roleId).filter((s) => s.Action === 'lambda:InvokeFunction');
    expect(invoke).toEqual([expect.objectContaining({ Resource: echoArn })]);
  });

  it("sends every end of the machine's executions, succeeded included, to the workflow's owner", () => {
    template.resourceCountIs('AWS::Events::Rule', 1);
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.states'],
        'detail-type': ['Step Functions Execution Status Change'],
        detail: { status: ['SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED'], stateMachineArn: [{ Ref: machineId }] },
      },
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [logicalIdOf(stack, stack.functions.FixtureEnded?.function as never), 'Arn'] } })],
    });
  });

  it('grants each function its domain table', () => {
    const echo = JSON.stringify(statementsOfRole(stack, logicalIdOf(stack, stack.functions.Echo?.role as never)));
    expect(echo).toContain('PlatformTable');
    expect(echo).not.toContain('ReleasesTable');
  });

  it('passes cdk-nag with its acknowledgements', () => {
    expect(unacknowledgedFindings(app)).toEqual([]);
  });

  it("keeps the task functions out of the state machines' reach otherwise: no STATE_MACHINES variable", () => {
    for (const fn of Object.values(resourcesOf(stack, 'AWS::Lambda::Function'))) {
      expect((fn.Properties?.Environment as { Variables: Record<string, unknown> }).Variables).not.toHaveProperty('STATE_MACHINES');
    }
  });
});

describe('WorkflowsStack checks', () => {
  it('refuses a workflow naming a task that is not a task function', () => {
    expect(() => workflowsStack([{ ...(WORKFLOWS[0] as WorkflowDef), tasks: ['Echo', 'Missing'] }])).toThrow(
      /names task Missing, which is not a task function \(have: Echo, FixtureEnded\)/,
    );
  });

  it('refuses an ASL file with a placeholder no task binds', () => {
    expect(() => workflowsStack([{ ...(WORKFLOWS[0] as WorkflowDef), tasks: [] }])).toThrow(/uses \$\{EchoFunctionArn\} but its tasks \(\) bind only nothing/);
  });

  it('refuses a missing ASL file', () => {
    expect(() => workflowsStack([{ name: 'ghost', file: 'ghost.asl.json', tasks: [] }])).toThrow(/ghost\.asl\.json does not exist/);
  });

  it('creates no rule for a workflow without an owner, and refuses an owner that is not an event function', () => {
    const { template } = workflowsStack(WORKFLOWS.map(({ endedBy: _owner, ...w }) => w));
    template.resourceCountIs('AWS::Events::Rule', 0);
    expect(() => workflowsStack([{ ...(WORKFLOWS[0] as WorkflowDef), endedBy: 'Ghost' }])).toThrow(/endedBy Ghost is not an event function/);
  });
});

describe('WorkflowsStack with the fleet-operation workflow (Distributed Map)', () => {
  const { app, stack, template } = workflowsStack(
    [
      {
        name: 'fleet-operation',
        file: 'fleet-operation.asl.json',
        tasks: ['BeginAttempt', 'DispatchToAgent', 'RecordInstanceSuccess', 'RecordAttemptFailure', 'RecordInstanceFailed', 'SummariseOperation'],
        endedBy: 'FleetOperationEnded',
      },
    ],
    [
      ...['BeginAttempt', 'DispatchToAgent', 'RecordInstanceSuccess', 'RecordAttemptFailure', 'RecordInstanceFailed', 'SummariseOperation'].map(
        (name): FunctionDef => ({
          name,
          kind: 'task',
          entry: 'health/health',
        }),
      ),
      { name: 'FleetOperationEnded', kind: 'event', entry: 'fleet/workflow-ended' },
    ],
    fileURLToPath(new URL('../../statemachines', import.meta.url)),
  );
  void app;

  it('lets the machine start, describe and stop its own child executions', () => {
    const machineId = logicalIdOf(stack, stack.stateMachines['fleet-operation'] as never);
    const machine = resourcesOf(stack, 'AWS::StepFunctions::StateMachine')[machineId] as unknown as {
      Properties: { StateMachineName: string; RoleArn: { 'Fn::GetAtt': [string, string] } };
    };
    expect(machine.Properties.StateMachineName).toBe('Workflows-fleet-operation');
    void template;
    const statements = JSON.stringify(statementsOfRole(stack, machine.Properties.RoleArn['Fn::GetAtt'][0]));
    expect(statements).toContain('states:StartExecution');
    expect(statements).toContain(':stateMachine:Workflows-fleet-operation');
    expect(statements).toContain(':execution:Workflows-fleet-operation/*');
  });

  it("routes the fleet machine's ends (not its child executions') to FleetOperationEnded", () => {
    const machineId = logicalIdOf(stack, stack.stateMachines['fleet-operation'] as never);
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: Match.objectLike({ detail: { status: ['SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED'], stateMachineArn: [{ Ref: machineId }] } }),
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [logicalIdOf(stack, stack.functions.FleetOperationEnded?.function as never), 'Arn'] } })],
    });
  });

  it('passes cdk-nag with its acknowledgements', () => {
    expect(unacknowledgedFindings(app)).toEqual([]);
  });
});
