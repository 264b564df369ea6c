import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, BatchWriteCommand, DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { QueryCommandInput, QueryCommandOutput } from '@aws-sdk/lib-dynamodb';
import { config } from './config.js';

/**
 * Read and write units this process has consumed, from DynamoDB's own ConsumedCapacity (asked of
 * every call: it costs nothing). Logged per request in AWS; read by the benchmarks locally.
 */
export const consumedCapacity = { read: 0, write: 0 };

const READ_COMMANDS = new Set(['GetItemCommand', 'QueryCommand', 'ScanCommand', 'BatchGetItemCommand', 'TransactGetItemsCommand']);

type CapacityEntry = { CapacityUnits?: number; ReadCapacityUnits?: number; WriteCapacityUnits?: number };

/**
 * The house document client: `endpoint` set only off AWS (DynamoDB Local accepts any credentials),
 * ConsumedCapacity asked of every call and added to `counter`. Exported so the benchmark's
 * DynamoDB-only ceiling uses exactly the client the functions use.
 */
export function createDocumentClient(options: {
  region: string;
  endpoint?: string | undefined;
  counter?: { read: number; write: number };
}): DynamoDBDocumentClient {
  const client = DynamoDBDocumentClient.from(
    new DynamoDBClient({
      region: options.region,
      ...(options.endpoint ? { endpoint: options.endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {}),
      maxAttempts: 5,
    }),
    { marshallOptions: { removeUndefinedValues: true } },
  );
  const counter = options.counter ?? { read: 0, write: 0 };
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as { ReturnConsumedCapacity?: string };
      if (context.commandName !== 'DescribeTableCommand') input.ReturnConsumedCapacity ??= 'TOTAL';
      const result = await next(args);
      const consumed = (result.output as { ConsumedCapacity?: CapacityEntry | CapacityEntry[] }).ConsumedCapacity;
      const isRead = READ_COMMANDS.has(context.commandName ?? '');
      for (const entry of Array.isArray(consumed) ? consumed : consumed ? [consumed] : []) {
        counter.read += entry.ReadCapacityUnits ?? (isRead ? (entry.CapacityUnits ?? 0) : 0);
        counter.write += entry.WriteCapacityUnits ?? (isRead ? 0 : (entry.CapacityUnits ?? 0));
      }
      return result;
    },
    { step: 'initialize', name: 'consumedCapacity' },
  );
  return client;
}

/** One document client per container, created at cold start. */
export const dynamo: DynamoDBDocumentClient = createDocumentClient({ region: config.region, endpoint: config.dynamodbEndpoint, counter: consumedCapacity });

/** True for the error DynamoDB raises when a condition expression fails. */
export function isConditionFailed(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}

/**
 * True when a transaction was cancelled because one of its conditions failed; `index` narrows it to
 * the condition of the n-th action.
 */
export function isTransactionConditionFailed(error: unknown, index?: number): boolean {
  if (!(error instanceof Error) || error.name !== 'TransactionCanceledException') return false;
  const reasons = (error as Error & { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? [];
  if (index === undefined) return reasons.some((r) => r.Code === 'ConditionalCheckFailed');
  return reasons[index]?.Code === 'ConditionalCheckFailed';
}

/** A partition of the table, or with `index` of a global secondary index (`gsi1pk`/`gsi1sk`…; never consistent). */
type PartitionQuery = { table: string; pk: string; skPrefix?: string; forward?: boolean; consistent?: boolean; projection?: string; index?: 'gsi1' | 'gsi2' };

/** What a page handler tells `forEachQueryPage`: stop now, and/or the `Limit` of the next page (undefined: none). */
export type NextPage = { done?: boolean; limit?: number | undefined };

/**
 * The one DynamoDB paging loop: runs `input` and gives each page to `onPage`, following
 * `LastEvaluatedKey` until there are no more pages or `onPage` says it is done.
 */
export async function forEachQueryPage(
  input: Omit<QueryCommandInput, 'ExclusiveStartKey'>,
  onPage: (page: QueryCommandOutput) => NextPage | void,
): Promise<void> {
  let request: QueryCommandInput = input;
  for (;;) {
    const page = await dynamo.send(new QueryCommand(request));
    const next = onPage(page) ?? {};
    if (next.done || !page.LastEvaluatedKey) return;
    const { Limit: previous, ...rest } = request;
    const limit = 'limit' in next ? next.limit : previous;
    request = { ...rest, ...(limit ? { Limit: limit } : {}), ExclusiveStartKey: page.LastEvaluatedKey };
  }
}

/** Walks a partition (or a sort-key prefix of it) page by page until `take` says it has enough. */
async function walkPartition(input: PartitionQuery, take: (items: Record<string, unknown>[]) => { done: boolean; limit?: number }): Promise<void> {
  const limit = take([]).limit;
  const pkName = input.index ? `${input.index}pk` : 'pk';
  const skName = input.index ? `${input.index}sk` : 'sk';
  await forEachQueryPage(
    {
      TableName: input.table,
      ...(input.index ? { IndexName: input.index } : {}),
      KeyConditionExpression: input.skPrefix ? `${pkName} = :pk AND begins_with(${skName}, :prefix)` : `${pkName} = :pk`,
      ExpressionAttributeValues: { ':pk': input.pk, ...(input.skPrefix ? { ':prefix': input.skPrefix } : {}) },
      ScanIndexForward: input.forward ?? true,
      ConsistentRead: input.index ? false : (input.consistent ?? false),
      ...(input.projection ? { ProjectionExpression: input.projection } : {}),
      ...(limit ? { Limit: limit } : {}),
    },
    (page) => {
      const next = take(page.Items ?? []);
      return { done: next.done, limit: next.limit };
    },
  );
}

/**
 * One page of a partition in sort-key order, skipping `offset` items: the API's page/size model on
 * top of DynamoDB's cursors. Reads offset + limit items, so use it on partitions of small items.
 */
export async function queryOffset(input: PartitionQuery & { offset: number; limit: number }): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  let skipped = 0;
  await walkPartition(input, (items) => {
    for (const item of items) {
      if (skipped < input.offset) skipped += 1;
      else if (out.length < input.limit) out.push(item);
    }
    return { done: out.length >= input.limit, limit: Math.min(1000, input.offset - skipped + input.limit - out.length) };
  });
  return out;
}

/** Every item of a partition (or of a sort-key prefix), following cursors. */
export async function queryAll(input: PartitionQuery): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  await walkPartition(input, (items) => {
    out.push(...items);
    return { done: false };
  });
  return out;
}

/** Whether a transaction lost to a concurrent one on the same item (worth retrying). */
export function isTransactionConflict(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (error.name === 'TransactionConflictException') return true;
  if (error.name !== 'TransactionCanceledException') return false;
  const reasons = (error as Error & { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? [];
  return reasons.some((r) => r.Code === 'TransactionConflict');
}

/** Runs `attempt` again (with jittered backoff) while it loses transaction conflicts. */
export async function retryConflicts<T>(attempt: () => Promise<T>, tries = 8): Promise<T> {
  for (let i = 1; ; i += 1) {
    try {
      return await attempt();
    } catch (error) {
      if (!isTransactionConflict(error) || i >= tries) throw error;
      await new Promise((r) => setTimeout(r, Math.random() * 20 * 2 ** i));
    }
  }
}

type Key = { pk: string; sk: string };

/**
 * Sends `items` in chunks of `size`, resending what DynamoDB hands back unprocessed with backoff
 * until nothing is left (BatchGetItem and BatchWriteItem both answer that way under load).
 */
async function inBatches<T>(items: readonly T[], size: number, send: (chunk: T[]) => Promise<T[]>): Promise<void> {
  for (let i = 0; i < items.length; i += size) {
    let pending = items.slice(i, i + size);
    for (let attempt = 0; pending.length > 0; attempt += 1) {
      if (attempt > 0) await new Promise((r) => setTimeout(r, Math.min(1000, 25 * 2 ** attempt)));
      pending = await send(pending);
    }
  }
}

/** BatchGetItem over any number of keys (100 per call); keyed `pk|sk`. */
export async function batchGet(table: string, keys: readonly Key[], options: { consistent?: boolean } = {}): Promise<Map<string, Record<string, unknown>>> {
  const found = new Map<string, Record<string, unknown>>();
  const unique: Record<string, unknown>[] = [...new Map(keys.map((k) => [`${k.pk}|${k.sk}`, k])).values()];
  await inBatches(unique, 100, async (chunk) => {
    const out = await dynamo.send(new BatchGetCommand({ RequestItems: { [table]: { Keys: chunk, ConsistentRead: options.consistent ?? false } } }));
    for (const item of out.Responses?.[table] ?? []) found.set(`${String(item.pk)}|${String(item.sk)}`, item);
    return out.UnprocessedKeys?.[table]?.Keys ?? [];
  });
  return found;
}

type WriteRequest = { PutRequest: { Item: Record<string, unknown> } } | { DeleteRequest: { Key: Key } };

/** BatchWriteItem puts and deletes in calls of 25. */
export async function batchWrite(table: string, writes: readonly ({ put: Record<string, unknown> } | { delete: Key })[]): Promise<void> {
  const requests: WriteRequest[] = writes.map((w) => ('put' in w ? { PutRequest: { Item: w.put } } : { DeleteRequest: { Key: w.delete } }));
  await inBatches(requests, 25, async (chunk) => {
    const out = await dynamo.send(new BatchWriteCommand({ RequestItems: { [table]: chunk } }));
    return (out.UnprocessedItems?.[table] ?? []) as WriteRequest[];
  });
}
