import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DescribeStreamCommand, DynamoDBStreamsClient, GetRecordsCommand, GetShardIteratorCommand } from '@aws-sdk/client-dynamodb-streams';
import type { _Record as StreamRecord } from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';

/**
 * Reads a table's DynamoDB stream the way Lambda's event source mapping does and hands the records
 * to the same function: shards found with DescribeStream (and again as they split or close), each
 * read from LATEST when the reader starts (TRIM_HORIZON for shards found later), records filtered by
 * the mapping's filter pattern, delivered in batches in order per shard, and a batch retried from
 * the first failure the function reports (`batchItemFailures`) up to `retryAttempts` times.
 *
 * The one difference is speed: Lambda polls each shard about four times a second; this polls every
 * `pollMs` (25 ms) for `hotMs` after a write (`nudge`, which also wakes it at once) or a record, since
 * a local push should arrive in milliseconds, and every `idlePollMs` (1 s) otherwise: 40 polls a second
 * of an idle stream were 8 % of a core, taken from every request the process serves.
 */
export type StreamReaderOptions = Readonly<{
  endpoint: string;
  table: string;
  filterPattern: unknown;
  batchSize: number;
  handler: (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse | void>;
  /** How often a shard is polled for `hotMs` after a nudge or a record. @default 25 */
  pollMs?: number;
  /** How often a shard is polled otherwise (writes this process did not announce with `nudge`). @default 1000 */
  idlePollMs?: number;
  /** @default 2000 */
  hotMs?: number;
  /** @default 3 */
  retryAttempts?: number;
  onError?: (error: unknown) => void;
}>;

const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };

export async function startStreamReader(options: StreamReaderOptions): Promise<{ close: () => Promise<void>; nudge: () => void }> {
  const tables = new DynamoDBClient({ region: 'us-east-1', endpoint: options.endpoint, credentials });
  const streams = new DynamoDBStreamsClient({ region: 'us-east-1', endpoint: options.endpoint, credentials });
  const { Table } = await tables.send(new DescribeTableCommand({ TableName: options.table }));
  tables.destroy();
  const streamArn = Table?.LatestStreamArn;
  if (!streamArn) throw new Error(`table ${options.table} has no stream: its TableDefinition needs \`stream\``);
  const pollMs = options.pollMs ?? 25;
  const idlePollMs = options.idlePollMs ?? 1000;
  const hotMs = options.hotMs ?? 2000;
  const retryAttempts = options.retryAttempts ?? 3;
  let closed = false;
  let hotUntil = 0;
  // Shard readers waiting for their next poll; a nudge (or close) ends every wait at once.
  const waiting = new Set<() => void>();
  const wakeAll = () => {
    for (const wake of waiting) wake();
    waiting.clear();
  };
  const pause = () =>
    new Promise<void>((done) => {
      const timer = setTimeout(
        () => {
          waiting.delete(wake);
          done();
        },
        Date.now() < hotUntil ? pollMs : idlePollMs,
      );
      const wake = () => {
        clearTimeout(timer);
        done();
      };
      waiting.add(wake);
    });
  const shards = new Map<string, Promise<void>>();
  let first = true;

  async function discover(): Promise<void> {
    const { StreamDescription } = await streams.send(new DescribeStreamCommand({ StreamArn: streamArn }));
    for (const shard of StreamDescription?.Shards ?? []) {
      const id = shard.ShardId ?? '';
      if (!id || shards.has(id)) continue;
      // Shards that existed when the reader started are read from now on; later ones from their start.
      const open = shard.SequenceNumberRange?.EndingSequenceNumber === undefined;
      if (first && !open) {
        shards.set(id, Promise.resolve());
        continue;
      }
      const type = first ? 'LATEST' : 'TRIM_HORIZON';
      // Claimed before the first await: a rediscovery running meanwhile must not start a second reader.
      shards.set(
        id,
        streams
          .send(new GetShardIteratorCommand({ StreamArn: streamArn, ShardId: id, ShardIteratorType: type }))
          .then(({ ShardIterator }) => readShard(id, ShardIterator)),
      );
    }
    first = false;
  }

  async function readShard(shardId: string, iterator: string | undefined): Promise<void> {
    let next = iterator;
    let lastSequence: string | undefined;
    while (next && !closed) {
      let out;
      try {
        out = await streams.send(new GetRecordsCommand({ ShardIterator: next, Limit: 1000 }));
      } catch (error) {
        if (closed) return;
        if (error instanceof Error && (error.name === 'TrimmedDataAccessException' || error.name === 'ExpiredIteratorException')) {
          // The iterator points before the oldest record kept (DynamoDB Local does this to an iterator taken on an empty
          // shard), or it expired: continue after the last record delivered, or from the oldest one kept.
          const { ShardIterator } = await streams.send(
            new GetShardIteratorCommand({
              StreamArn: streamArn,
              ShardId: shardId,
              ...(lastSequence ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: lastSequence } : { ShardIteratorType: 'TRIM_HORIZON' }),
            }),
          );
          next = ShardIterator;
          continue;
        }
        options.onError?.(error);
        await sleep(250);
        continue;
      }
      const records = (out.Records ?? []).filter((r) => matches(options.filterPattern, r));
      for (let i = 0; i < records.length; i += options.batchSize) await deliver(records.slice(i, i + options.batchSize));
      lastSequence = out.Records?.at(-1)?.dynamodb?.SequenceNumber ?? lastSequence;
      next = out.NextShardIterator;
      if ((out.Records ?? []).length > 0) hotUntil = Date.now() + hotMs;
      else await pause();
    }
  }

  async function deliver(records: StreamRecord[]): Promise<void> {
    let batch = records.map((r) => lambdaRecord(r, streamArn ?? ''));
    for (let attempt = 0; batch.length > 0 && !closed; attempt += 1) {
      let failed: string | undefined;
      try {
        const result = await options.handler({ Records: batch });
        failed = result?.batchItemFailures[0]?.itemIdentifier;
      } catch (error) {
        options.onError?.(error);
        failed = batch[0]?.dynamodb?.SequenceNumber;
      }
      if (failed === undefined) return;
      if (attempt >= retryAttempts) {
        options.onError?.(new Error(`stream batch dropped after ${retryAttempts} retries from sequence ${failed}`));
        return;
      }
      const from = batch.findIndex((r) => r.dynamodb?.SequenceNumber === failed);
      batch = batch.slice(Math.max(0, from));
      await sleep(Math.min(1000, 50 * 2 ** attempt));
    }
  }

  await discover();
  let discovering = false;
  const rediscovery = setInterval(() => {
    if (discovering) return;
    discovering = true;
    void discover()
      .catch((error: unknown) => options.onError?.(error))
      .finally(() => (discovering = false));
  }, 1000);
  return {
    /** A write to the table just committed in this process: poll now, and often for a while. */
    nudge: () => {
      hotUntil = Date.now() + hotMs;
      wakeAll();
    },
    close: async () => {
      closed = true;
      wakeAll();
      clearInterval(rediscovery);
      await Promise.allSettled([...shards.values()]);
      streams.destroy();
    },
  };
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

/** A GetRecords record in the shape Lambda gives a function (epoch seconds, the source ARN). */
function lambdaRecord(record: StreamRecord, streamArn: string): DynamoDBRecord {
  const { ApproximateCreationDateTime, ...dynamodb } = record.dynamodb ?? {};
  return JSON.parse(
    JSON.stringify({
      eventID: record.eventID,
      eventName: record.eventName,
      eventVersion: record.eventVersion,
      eventSource: 'aws:dynamodb',
      awsRegion: record.awsRegion ?? 'us-east-1',
      eventSourceARN: streamArn,
      dynamodb: {
        ...dynamodb,
        ...(ApproximateCreationDateTime ? { ApproximateCreationDateTime: Math.floor(ApproximateCreationDateTime.getTime() / 1000) } : {}),
      },
    }),
  ) as DynamoDBRecord;
}

/**
 * Lambda's event filtering for the parts a pattern here uses: an object matches field by field; an
 * array lists acceptable values (literals, or `{ prefix }`). Anything else in a pattern is refused,
 * so a pattern the reader cannot evaluate fails loudly instead of letting records through.
 */
export function matches(pattern: unknown, value: unknown): boolean {
  if (Array.isArray(pattern)) {
    return pattern.some((rule: unknown) => {
      if (rule !== null && typeof rule === 'object') {
        const prefix = (rule as { prefix?: unknown }).prefix;
        if (typeof prefix !== 'string' || Object.keys(rule).length !== 1) throw new Error(`unsupported filter rule ${JSON.stringify(rule)}`);
        return typeof value === 'string' && value.startsWith(prefix);
      }
      return rule === value;
    });
  }
  if (pattern !== null && typeof pattern === 'object') {
    if (value === null || typeof value !== 'object') return false;
    return Object.entries(pattern).every(([key, sub]) => matches(sub, Object.hasOwn(value, key) ? (value as Record<string, unknown>)[key] : undefined));
  }
  throw new Error(`unsupported filter pattern ${JSON.stringify(pattern)}`);
}
