import {
  SFNClient,
  SendTaskFailureCommand,
  SendTaskHeartbeatCommand,
  SendTaskSuccessCommand,
  StartExecutionCommand,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import { config } from './config.js';

/**
 * Step Functions, through the real SDK client. Off AWS `SFN_ENDPOINT` points at the local workflow
 * runner, which speaks the same JSON protocol, so handlers and tasks call exactly what they call in AWS.
 */
export const sfn: SFNClient = new SFNClient({
  region: config.region,
  ...(config.sfnEndpoint ? { endpoint: config.sfnEndpoint, credentials: config.localSfnCredentials } : {}),
  maxAttempts: 3,
});

/** The state machine ARN of a workflow, from the STATE_MACHINES configuration. */
export function stateMachineArn(workflow: string): string {
  const arn = config.stateMachines[workflow];
  if (!arn) throw new Error(`workflow ${workflow} is not configured (STATE_MACHINES has ${Object.keys(config.stateMachines).join(', ') || 'nothing'})`);
  return arn;
}

/**
 * Starts an execution named after the operation id, so a retried request cannot start it twice:
 * Step Functions answers a same-name same-input start with the running execution, and refuses any
 * other reuse of the name (ExecutionAlreadyExists, which this treats as "already started").
 */
export async function startWorkflow(workflow: string, name: string, input: unknown): Promise<string> {
  const arn = stateMachineArn(workflow);
  try {
    const out = await sfn.send(new StartExecutionCommand({ stateMachineArn: arn, name, input: JSON.stringify(input) }));
    return out.executionArn ?? '';
  } catch (error) {
    if (error instanceof Error && error.name === 'ExecutionAlreadyExists') return executionArn(workflow, name);
    throw error;
  }
}

/** The ARN of a workflow's execution named `name` (executions are named after their operation). */
export function executionArn(workflow: string, name: string): string {
  return `${stateMachineArn(workflow).replace(':stateMachine:', ':execution:')}:${name}`;
}

export async function stopWorkflow(executionArn: string, cause: string): Promise<void> {
  await sfn.send(new StopExecutionCommand({ executionArn, error: 'Cancelled', cause }));
}

export async function completeTask(taskToken: string, output: unknown): Promise<void> {
  await sfn.send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(output) }));
}

export async function failTask(taskToken: string, error: string, cause: string): Promise<void> {
  await sfn.send(new SendTaskFailureCommand({ taskToken, error: error.slice(0, 256), cause: cause.slice(0, 32_768) }));
}

export async function heartbeatTask(taskToken: string): Promise<void> {
  await sfn.send(new SendTaskHeartbeatCommand({ taskToken }));
}
