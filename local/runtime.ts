import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { DynamoDBBatchResponse } from 'aws-lambda';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { join, resolve } from 'node:path';
import { startDynamoDbLocal, ensureTables } from './dynamodb.js';
import type { LocalDynamo } from './dynamodb.js';
import { createGateway } from './gateway.js';
import type { LocalEndpoint } from './gateway.js';
import { startChartRepository } from './chart-repository.js';
import { ensureHelmBinary, ensureLayerBinary } from './helm-binary.js';
import { PortInUseError } from './errors.js';
import { generateLocalCredentials, localAccessGuard } from './local-auth.js';
import type { LocalCredentials } from './local-auth.js';
import { localSecretsKey } from './secrets-key.js';
import { answerClientError, NODE_MAX_HEADER_BYTES } from './request-limits.js';
import type { WrapHandler } from './workflows-host.js';
import { startWorkflows } from './workflows-host.js';
import type { ClusterSettings } from './kube/cluster/settings.js';
import { createPushGateway } from './push-gateway.js';
import type { PushGatewayOptions } from './push-gateway.js';
import { startStreamReader } from './stream-reader.js';
import { lambdaContext } from './lambda-context.js';

export type RuntimeOptions = Readonly<{
  /** 0 picks a free port. @default 8080 */
  port?: number;
  host?: string;
  /** Where data survives restarts; undefined keeps everything in memory (tests). */
  dataDir?: string;
  /** Use a DynamoDB Local that is already running instead of starting one. */
  dynamodbEndpoint?: string;
  /** Prefix of the table names, so test files can share one DynamoDB Local. @default '' */
  tablePrefix?: string;
  adminToken?: string;
  logLevel?: string;
  /** A real cluster's kubeconfig: the Helm functions use it, and no simulator is started. */
  kubeconfig?: string;
  /**
   * Start the Kubernetes API simulator (local/kube/) when no `kubeconfig` is given, and give the
   * functions its kubeconfig (`<dataDir>/kube/kubeconfig`). `npm start` turns it on. @default false
   */
  kubernetesSimulator?: boolean;
  /** The simulator's HTTPS port. @default 0 (a free port) */
  kubePort?: number;
  /** The simulated cluster's nodes and time scale. @default DEFAULT_CLUSTER_SETTINGS */
  kubeCluster?: Partial<ClusterSettings>;
  allowLoopbackHttp?: boolean;
  /** Where the ASL files are. @default 'statemachines/' */
  statemachinesDir?: string;
  /** Deploy agents' heartbeat interval (an instance is unhealthy after three missed). @default 10 */
  agentHeartbeatSeconds?: number;
  /** Extra CA bundle trusted when the API checks package URLs (a test CA, a private PKI). */
  packageCaFile?: string;
  /**
   * Package the charts under `local/charts/` with helm, serve them at `/local/charts/` and register
   * that repository as `myrepo` when absent. `npm start` and the test runtime turn it on. @default false
   */
  localCharts?: boolean;
  /** The push API's idle and duration limits (API Gateway's 600 and 7200 seconds by default). */
  push?: PushGatewayOptions;
  /** Tests only: wraps task and event handlers by function name (see `WrapHandler`). */
  wrapHandler?: WrapHandler;
}>;

export type Runtime = Readonly<{
  url: string;
  port: number;
  /** A token generated for the first admin, when one was generated (printed once by `npm start`). */
  generatedAdminToken: string | undefined;
  /** What the admin bootstrap did, in one line (`npm start` prints it). */
  adminBootstrap: string;
  /** The credentials the functions' SFN client signs `/local/sfn` requests with. */
  localCredentials: LocalCredentials;
  /** The local chart repository's URL (registered as `myrepo`), when `localCharts` is on. */
  chartRepositoryUrl: string | undefined;
  /** The kubeconfig the functions use: the user's, the simulator's, or undefined. */
  kubeconfig: string | undefined;
  /** Open push (WebSocket) connections right now. */
  pushConnections: () => number;
  /** The DynamoDB Local process this runtime started, if it started one. */
  dynamodbPid: number | undefined;
  tables: Record<string, string>;
  dynamodbEndpoint: string;
  close: () => Promise<void>;
}>;

/**
 * `GET /local/capacity`: DynamoDB read and write units consumed and requests served per route since
 * start (or the last `POST /local/capacity/reset`), for the benchmarks' cost figures; and DynamoDB
 * Local's endpoint, which the benchmark's DynamoDB-only ceiling calls directly.
 */
function capacityEndpoint(counter: { read: number; write: number }, requests: Map<string, number>, dynamodbEndpoint: string): LocalEndpoint {
  return async ({ method, path }) => {
    if (path === '/local/capacity/reset' && method === 'POST') {
      counter.read = 0;
      counter.write = 0;
      requests.clear();
    } else if (path !== '/local/capacity' || method !== 'GET') return undefined;
    return {
      statusCode: 200,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...counter, requests: Object.fromEntries(requests), dynamodbEndpoint }),
    };
  };
}

const WRITE_COMMANDS = new Set(['PutItemCommand', 'UpdateItemCommand', 'DeleteItemCommand', 'BatchWriteItemCommand', 'TransactWriteItemsCommand']);
const afterWrite = new Set<() => void>();

/**
 * Calls `listener` after every successful write sent with `client`; returns how to stop. One
 * middleware per client, shared by every runtime of the process (a test may start two).
 */
function afterEveryWrite(client: DynamoDBDocumentClient, listener: () => void): () => void {
  if (!client.middlewareStack.identify().some((name) => name.startsWith('localAfterWrite'))) {
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const result = await next(args);
        if (WRITE_COMMANDS.has(context.commandName ?? '')) for (const notify of afterWrite) notify();
        return result;
      },
      { step: 'initialize', name: 'localAfterWrite' },
    );
  }
  afterWrite.add(listener);
  return () => afterWrite.delete(listener);
}

const ROOT = resolve(new URL('..', import.meta.url).pathname);

/**
 * One set per process, not per start: the functions' SFN client reads its credentials once, when
 * its module is first imported, and a test may start the runtime twice in one process.
 */
const LOCAL_CREDENTIALS = generateLocalCredentials();

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((done, fail) => {
    const onError = (error: NodeJS.ErrnoException) => fail(error.code === 'EADDRINUSE' ? new PortInUseError(port, host, { cause: error }) : error);
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      done();
    });
  });
}

/**
 * Brings the local cloud up: DynamoDB Local with the CDK's table definitions, the helm binary, the
 * gateway on `port`, and the first admin. Sets the environment the functions' config module reads
 * before any handler module is imported — the same variables the CDK stack sets in AWS.
 */
export async function startRuntime(options: RuntimeOptions = {}): Promise<Runtime> {
  // Until the first admin exists and the workflows are recovered, every request is answered 503:
  // `/ready` must not say Ready before a client can use the API.
  const ready: { handle?: (req: IncomingMessage, res: ServerResponse) => void } = {};
  const server: Server = createServer({ maxHeaderSize: NODE_MAX_HEADER_BYTES }, (req, res) => {
    if (ready.handle) return ready.handle(req, res);
    res.writeHead(503, { 'content-type': 'application/json', 'retry-after': '1' });
    res.end(JSON.stringify({ status: 'NotReady', failed: [{ dependency: 'startup', reason: 'the local cloud is starting' }] }));
  });
  server.on('clientError', answerClientError);
  const host = options.host ?? '127.0.0.1';
  // Listen first: a port in use is found before anything (DynamoDB Local's Java) is started.
  await listen(server, options.port ?? 8080, host);
  const started: Started = { server };
  try {
    return await bringUp(options, started, host, ready);
  } catch (error) {
    // Whatever failed, nothing this start began may outlive it.
    await closeAll(started).catch(() => undefined);
    throw error;
  }
}

/** What a start has brought up so far, so a failed start can take it down again. */
type Started = {
  server: Server;
  dynamo?: LocalDynamo;
  runner?: { close: () => Promise<void> };
  kube?: { close: () => Promise<void> };
  push?: { close: () => void };
  streams?: { close: () => Promise<void> };
};

async function closeAll(started: Started): Promise<void> {
  try {
    await started.streams?.close();
    started.push?.close();
    await started.runner?.close();
    await started.kube?.close();
    started.server.closeAllConnections();
    await new Promise<void>((done) => started.server.close(() => done()));
  } finally {
    await started.dynamo?.stop();
  }
}

async function bringUp(
  options: RuntimeOptions,
  started: Started,
  host: string,
  ready: { handle?: (req: IncomingMessage, res: ServerResponse) => void },
): Promise<Runtime> {
  if (!options.dynamodbEndpoint) started.dynamo = await startDynamoDbLocal(options.dataDir ? { dataDir: join(options.dataDir, 'dynamodb') } : {});
  const dynamodbEndpoint = options.dynamodbEndpoint ?? started.dynamo?.endpoint ?? '';
  const tables = await ensureTables(dynamodbEndpoint, options.tablePrefix ?? '');
  const binaries = join(ROOT, 'node_modules', '.cache', 'control-plane');
  const helm = ensureHelmBinary(binaries);
  // kubectl beside helm, for a person pointing it at the simulator (docs/kubernetes-simulator.md).
  ensureLayerBinary(binaries, 'kubectl');
  let kubeconfig = options.kubeconfig;
  if (!kubeconfig && options.kubernetesSimulator) {
    const { startKubeSimulator } = await import('./kube/server.js');
    const cluster = await startKubeSimulator({
      ...(options.dataDir ? { dataDir: options.dataDir } : {}),
      port: options.kubePort ?? 0,
      cluster: options.kubeCluster,
    });
    started.kube = cluster;
    kubeconfig = cluster.kubeconfigPath;
  }
  const address = started.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

  const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
  Object.assign(process.env, {
    AWS_REGION: 'us-east-1',
    APP_VERSION: version,
    DYNAMODB_ENDPOINT: dynamodbEndpoint,
    PLATFORM_TABLE: tables.platform,
    CONFIG_TABLE: tables.config,
    FLEET_TABLE: tables.fleet,
    HELM_TABLE: tables.helm,
    HELM_BINARY: helm,
    LOG_LEVEL: options.logLevel ?? 'WARN',
    // /admin/system/logs reads this process's buffer: INFO and up, whatever LOG_LEVEL prints.
    LOG_BUFFER_LEVEL: 'INFO',
    // The Helm operations re-check readiness every second here (2 s in AWS, where each check is a Lambda invocation).
    HELM_DEFAULT_POLL_SECONDS: '1',
    // The simulator starts containers in simulated time: a second of stability shows a crash at start.
    HELM_DEFAULT_READY_STABLE_SECONDS: '1',
    ALLOW_LOOPBACK_HTTP: String(options.allowLoopbackHttp ?? true),
    POWERTOOLS_METRICS_DISABLED: 'true',
    POWERTOOLS_TRACE_ENABLED: 'false',
    // One process serves every agent here, so an agent's poll may wait in it for commands.
    AGENT_COMMAND_WAIT_SECONDS: '20',
    AGENT_POLL_INTERVAL_SECONDS: '1',
    AGENT_HEARTBEAT_SECONDS: String(options.agentHeartbeatSeconds ?? 10),
    // What the functions' SFN client signs with, as Lambda's role credentials are in AWS.
    LOCAL_SFN_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    LOCAL_SFN_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    // Secrets (repository credentials, kubeconfigs) in the helm table, encrypted with a local key.
    SECRETS_BACKEND: 'local',
    LOCAL_SECRETS_KEY: localSecretsKey(options.dataDir),
    ...(options.packageCaFile ? { PACKAGE_CA_FILE: options.packageCaFile } : {}),
    ...(kubeconfig ? { KUBECONFIG: kubeconfig } : {}),
  });

  const workflows = await startWorkflows({
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    ...(options.statemachinesDir ? { statemachinesDir: options.statemachinesDir } : {}),
    ...(options.wrapHandler ? { wrapHandler: options.wrapHandler } : {}),
  });
  started.runner = workflows.runner;
  process.env.SFN_ENDPOINT = `${url}/local/sfn`;
  // The push functions post to connections through the local gateway: in-process by default, or
  // through the SDK and the gateway's HTTP management API (`push.transport: 'sdk'`).
  process.env.PUSH_ENDPOINT = `${url}/local/ws`;
  process.env.PUSH_TRANSPORT = options.push?.transport ?? 'local';
  process.env.STATE_MACHINES = JSON.stringify(workflows.stateMachines);
  const { consumedCapacity } = await import('../functions/shared/dynamo.js');
  const { bearerToken, callerForToken } = await import('../functions/shared/auth.js');
  const requestCounts = new Map<string, number>();
  const charts = options.localCharts
    ? await startChartRepository({ helm, baseUrl: url, cacheDir: binaries, ...(options.dataDir ? { dir: join(options.dataDir, 'charts') } : {}) })
    : undefined;
  const push = createPushGateway(options.push);
  started.push = push;
  const gateway = createGateway({
    localEndpoints: [
      localAccessGuard(LOCAL_CREDENTIALS, callerForToken, bearerToken),
      // Right after the guard: a request it let through without a token goes nowhere else.
      ...(charts ? [charts.endpoint] : []),
      push.endpoint,
      ...workflows.endpoints,
      capacityEndpoint(consumedCapacity, requestCounts, dynamodbEndpoint),
    ],
    requestCounts,
  });

  // Executions that were running when the last process stopped end FAILED with the reason, and
  // their operations are told so through the same execution-status event as in AWS.
  await workflows.runner.recover();

  const { bootstrapAdmin, describeBootstrap } = await import('../functions/admin/users-service.js');
  const bootstrap = await bootstrapAdmin(options.adminToken);
  // The app store catalog's seed entries that are absent (an admin's edits are kept), as the stack's custom resource does in AWS.
  const { seedCatalog } = await import('../functions/appstore/catalog.js');
  await seedCatalog();
  if (charts) {
    const { registerLocalRepository } = await import('../functions/helm/repos-service.js');
    await registerLocalRepository('myrepo', charts.url, charts.charts);
  }
  // The config table's stream drives the push fan-out, as the event source mapping does in AWS.
  const { PUSH_API } = await import('../functions/kvconfig/push-routes.js');
  const { handler: fanOut } = (await import('../functions/kvconfig/push-fanout.js')) as {
    handler: (event: unknown, context: unknown) => Promise<DynamoDBBatchResponse>;
  };
  const reader = await startStreamReader({
    endpoint: dynamodbEndpoint,
    table: tables[PUSH_API.fanOut.table],
    filterPattern: PUSH_API.fanOut.filterPattern,
    batchSize: PUSH_API.fanOut.batchSize,
    handler: (event) => fanOut(event, lambdaContext(PUSH_API.fanOut.entry, 60_000)),
    onError: (error) => console.warn(`push fan-out (config table stream): ${error instanceof Error ? error.message : String(error)}`),
  });
  // Every write the functions make goes through this process's client: each one tells the reader to
  // poll now, so a push leaves at once while an idle stream is polled once a second.
  const { dynamo } = await import('../functions/shared/dynamo.js');
  const stopNudging = afterEveryWrite(dynamo, reader.nudge);
  started.streams = {
    close: async () => {
      stopNudging();
      await reader.close();
    },
  };
  ready.handle = (req, res) => void gateway(req, res);
  started.server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    void push.upgrade(req, socket, head).then((handled) => {
      if (!handled)
        socket.end(
          'HTTP/1.1 404 Not Found\r\ncontent-type: application/json\r\nconnection: close\r\ncontent-length: 36\r\n\r\n{"message":"no WebSocket API here"}\n',
        );
    });
  });

  return {
    url,
    port,
    generatedAdminToken: bootstrap.kind === 'generated' ? bootstrap.token : undefined,
    adminBootstrap: describeBootstrap(bootstrap),
    localCredentials: LOCAL_CREDENTIALS,
    chartRepositoryUrl: charts?.url,
    kubeconfig,
    pushConnections: push.connectionCount,
    dynamodbPid: started.dynamo?.pid,
    tables,
    dynamodbEndpoint,
    close: () => closeAll(started),
  };
}
