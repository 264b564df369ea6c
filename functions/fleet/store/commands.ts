import { DeleteCommand, GetCommand, QueryCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { config } from '#shared/config.js';
import { dynamo, isConditionFailed, isTransactionConditionFailed } from '#shared/dynamo.js';
import { commandKey, queueKey, queuePk } from '../keys.js';
import type { CommandAnswer, CommandRecord } from './records.js';
import { CommandRecordSchema } from './records.js';

/**
 * Commands for deploy agents. The command item holds the task token (never sent to the agent); a
 * queue item in the agent's own partition holds what the agent has not acknowledged yet, so an
 * agent's poll is one Query of a (usually empty) partition.
 */
const table = () => config.tables.fleet;

export type AgentCommand = Omit<CommandRecord, 'token' | 'status' | 'attempt' | 'service' | 'instance_id' | 'created_at'>;

export async function enqueue(command: CommandRecord): Promise<void> {
  const { token: _token, ...visible } = command;
  await dynamo.send(
    new TransactWriteCommand({
      TransactItems: [
        { Put: { TableName: table(), Item: { ...commandKey(command.command_id), ...command }, ConditionExpression: 'attribute_not_exists(pk)' } },
        {
          Put: {
            TableName: table(),
            Item: { ...queueKey(command), command: agentView(visible) },
          },
        },
      ],
    }),
  );
}

function agentView(c: Omit<CommandRecord, 'token'>): AgentCommand {
  return {
    command_id: c.command_id,
    type: c.type,
    operation_id: c.operation_id,
    version: c.version,
    package_url: c.package_url,
    sha256: c.sha256,
    timeout_seconds: c.timeout_seconds,
    progress_interval_seconds: c.progress_interval_seconds,
    ...(c.target_command_id ? { target_command_id: c.target_command_id } : {}),
  };
}

/** Commands queued for an agent, oldest first. */
export async function queued(service: string, instance: string): Promise<AgentCommand[]> {
  const out = await dynamo.send(
    new QueryCommand({
      TableName: table(),
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': queuePk(service, instance) },
      ConsistentRead: true,
    }),
  );
  return (out.Items ?? []).map((i) => i.command as AgentCommand);
}

export async function getCommand(id: string): Promise<CommandRecord | undefined> {
  const { Item } = await dynamo.send(new GetCommand({ TableName: table(), Key: commandKey(id), ConsistentRead: true }));
  return Item ? CommandRecordSchema.parse(Item) : undefined;
}

/** Removes the command from the agent's queue and marks it acknowledged (if still queued). */
export async function acknowledge(command: CommandRecord): Promise<void> {
  try {
    await dynamo.send(
      new TransactWriteCommand({
        TransactItems: [
          { Delete: { TableName: table(), Key: queueKey(command) } },
          {
            Update: {
              TableName: table(),
              Key: commandKey(command.command_id),
              UpdateExpression: 'SET #s = :acked',
              ConditionExpression: '#s = :queued',
              ExpressionAttributeNames: { '#s': 'status' },
              ExpressionAttributeValues: { ':acked': 'acked', ':queued': 'queued' },
            },
          },
        ],
      }),
    );
  } catch (error) {
    if (!isTransactionConditionFailed(error, 1)) throw error;
  }
}

/**
 * Moves a live command (queued or acknowledged) to a final status; false when it already had one —
 * the caller then knows a late or repeated answer must not count.
 */
export async function finish(id: string, status: 'done' | 'expired' | 'cancelled', answer?: CommandAnswer): Promise<boolean> {
  try {
    await dynamo.send(
      new UpdateCommand({
        TableName: table(),
        Key: commandKey(id),
        UpdateExpression: answer ? 'SET #s = :status, #a = :answer' : 'SET #s = :status',
        ConditionExpression: '#s IN (:queued, :acked)',
        ExpressionAttributeNames: { '#s': 'status', ...(answer ? { '#a': 'answer' } : {}) },
        ExpressionAttributeValues: { ':status': status, ':queued': 'queued', ':acked': 'acked', ...(answer ? { ':answer': answer } : {}) },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailed(error)) return false;
    throw error;
  }
}

/** Cancels a command only while no agent has picked it up (still `queued`); false when one has. */
export async function withdraw(id: string): Promise<boolean> {
  try {
    await dynamo.send(
      new UpdateCommand({
        TableName: table(),
        Key: commandKey(id),
        UpdateExpression: 'SET #s = :cancelled',
        ConditionExpression: '#s = :queued',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':cancelled': 'cancelled', ':queued': 'queued' },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailed(error)) return false;
    throw error;
  }
}

/** Drops a command the agent has not picked up yet from its queue. */
export async function dequeue(command: CommandRecord): Promise<void> {
  await dynamo.send(new DeleteCommand({ TableName: table(), Key: queueKey(command) }));
}
