import { InvalidArn } from './errors.js';

/** Where the local account lives; ARNs are built from it so they look like the ones in AWS. */
export type ArnScope = Readonly<{ region: string; accountId: string }>;

export function stateMachineArn(scope: ArnScope, machine: string): string {
  return `arn:aws:states:${scope.region}:${scope.accountId}:stateMachine:${machine}`;
}

export function executionArn(scope: ArnScope, machine: string, name: string): string {
  return `arn:aws:states:${scope.region}:${scope.accountId}:execution:${machine}:${name}`;
}

/** A Map Run, as AWS names the set of child executions one Distributed Map state starts. */
export function mapRunArn(scope: ArnScope, machine: string, id: string): string {
  return `arn:aws:states:${scope.region}:${scope.accountId}:mapRun:${machine}:${id}`;
}

/** The role a state machine would run as; only reported in `$$.Execution.RoleArn` and the history. */
export function roleArn(scope: ArnScope, machine: string): string {
  return `arn:aws:iam::${scope.accountId}:role/${machine.replaceAll('/', '-')}-StateMachineRole`;
}

const STATE_MACHINE_ARN = /^arn:aws[\w-]*:states:[\w-]+:\d{12}:stateMachine:([^:]+)$/;
const EXECUTION_ARN = /^arn:aws[\w-]*:states:[\w-]+:\d{12}:execution:[^:]+:[^:]+$/;

/** The state machine name in an ARN; throws InvalidArn as AWS does for anything else. */
export function stateMachineNameOf(arn: string): string {
  const match = STATE_MACHINE_ARN.exec(arn);
  if (!match?.[1]) throw new InvalidArn(`Invalid Arn: 'Resource type not valid in this context: ${arn}'`);
  return match[1];
}

export function assertExecutionArn(arn: string): void {
  if (!EXECUTION_ARN.test(arn)) throw new InvalidArn(`Invalid Arn: 'Resource type not valid in this context: ${arn}'`);
}
