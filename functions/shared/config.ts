import * as z from 'zod';
import { DEFAULT_SECRETS_PREFIX } from './secret-names.js';

/**
 * The one place that reads the environment. Every other module imports `config`.
 * In AWS the CDK stack sets these variables on each function; locally `local/runtime.ts` sets them
 * before any handler module is imported.
 */
const ConfigSchema = z.object({
  AWS_REGION: z.string().default('us-east-1'),
  APP_VERSION: z.string().default('1.0.0'),
  /** Physical table names; the CDK stack passes the generated names. */
  PLATFORM_TABLE: z.string().default('platform'),
  CONFIG_TABLE: z.string().default('config'),
  FLEET_TABLE: z.string().default('fleet'),
  HELM_TABLE: z.string().default('helm'),
  /** Set only off AWS: DynamoDB Local's and the local workflow runner's endpoints. */
  DYNAMODB_ENDPOINT: z.string().url().optional(),
  SFN_ENDPOINT: z.string().url().optional(),
  /** Off AWS only: the credentials the local runtime generated, which its SFN endpoint verifies (SigV4). */
  LOCAL_SFN_ACCESS_KEY_ID: z.string().default('local'),
  LOCAL_SFN_SECRET_ACCESS_KEY: z.string().default('local'),
  /**
   * Where the push functions post to WebSocket connections: the WebSocket API stage's management
   * endpoint (`https://<api>.execute-api.<region>.amazonaws.com/<stage>`), or the local gateway's `/local/ws`.
   */
  PUSH_ENDPOINT: z.string().url().optional(),
  /** `sdk`: the management API through the SDK (AWS, and locally over HTTP); `local`: the local gateway in-process. */
  PUSH_TRANSPORT: z.enum(['sdk', 'local']).default('sdk'),
  /** JSON object: workflow name → state machine ARN (CDK) or local name. */
  STATE_MACHINES: z.string().default('{}'),
  HELM_BINARY: z.string().default('/opt/helm/helm'),
  KUBECONFIG: z.string().optional(),
  EKS_CLUSTER_NAME: z.string().optional(),
  /** Accept loopback http:// package URLs (local development only). */
  ALLOW_LOOPBACK_HTTP: z.enum(['true', 'false']).default('false'),
  LOG_LEVEL: z.enum(['DEBUG', 'INFO', 'WARN', 'ERROR', 'SILENT']).default('INFO'),
  /** Set by the Lambda runtime (`AWS_Lambda_nodejs24.x`); with the next two, whether Powertools may trace. */
  AWS_EXECUTION_ENV: z.string().optional(),
  AWS_SAM_LOCAL: z.string().optional(),
  POWERTOOLS_TRACE_ENABLED: z.string().optional(),
  /**
   * Off AWS only: the lowest level kept in this process's in-memory log buffer (`/admin/system/logs`),
   * whatever LOG_LEVEL prints. SILENT (the default, and AWS) keeps nothing: CloudWatch has the logs.
   */
  LOG_BUFFER_LEVEL: z.enum(['DEBUG', 'INFO', 'WARN', 'ERROR', 'SILENT']).default('SILENT'),
  /** AWS: every function's log group is named under this prefix (infra sets it); `/admin/system/logs` queries them. */
  LOG_GROUP_PREFIX: z.string().optional(),
  /**
   * AWS: the deployment's name (the CDK stack prefix). Every function of the deployment carries it
   * in this variable and in its `control-plane:deployment` tag; `/admin/system/restart` finds them by it.
   */
  DEPLOYMENT_NAME: z.string().optional(),
  /** The default of the Helm setting `pollSeconds` (the local runtime makes it 1; PUT /admin/config overrides it). */
  HELM_DEFAULT_POLL_SECONDS: z.coerce.number().int().min(1).max(60).default(2),
  /** The default of the Helm setting `readyStableSeconds` (the local runtime makes it 1). */
  HELM_DEFAULT_READY_STABLE_SECONDS: z.coerce.number().int().min(0).max(300).default(5),
  /** How often agents heartbeat; an instance is unhealthy after three missed heartbeats. */
  AGENT_HEARTBEAT_SECONDS: z.coerce.number().int().min(1).max(300).default(10),
  /** How long the command poll holds an agent's request (0 in AWS: a held Lambda costs money). */
  AGENT_COMMAND_WAIT_SECONDS: z.coerce.number().int().min(0).max(25).default(0),
  /** How long an agent sleeps after an empty poll. */
  AGENT_POLL_INTERVAL_SECONDS: z.coerce.number().int().min(0).max(60).default(5),
  /** How long a container remembers a valid token (0 turns it off). */
  AUTH_CACHE_SECONDS: z.coerce.number().int().min(0).max(300).default(5),
  /** Extra CA bundle (PEM file) trusted when checking package URLs. */
  PACKAGE_CA_FILE: z.string().optional(),
  /** Where secrets (repository credentials, cluster kubeconfigs) live: Secrets Manager, or the helm table encrypted with LOCAL_SECRETS_KEY. */
  SECRETS_BACKEND: z.enum(['aws', 'local']).default('aws'),
  /** Prefix of every secret's name in Secrets Manager, so the functions' IAM policy can be scoped to it. */
  SECRETS_PREFIX: z.string().default(DEFAULT_SECRETS_PREFIX),
  /** Local backend only: the AES-256-GCM key, 32 bytes in base64 (local/runtime.ts keeps it in `<dataDir>/secrets.key`). */
  LOCAL_SECRETS_KEY: z
    .string()
    .refine((v) => Buffer.from(v, 'base64').length === 32, 'must be 32 bytes in base64')
    .optional(),
});

export type Config = Readonly<{
  region: string;
  version: string;
  tables: Readonly<{ platform: string; config: string; fleet: string; helm: string }>;
  dynamodbEndpoint: string | undefined;
  sfnEndpoint: string | undefined;
  pushEndpoint: string | undefined;
  pushTransport: 'sdk' | 'local';
  localSfnCredentials: Readonly<{ accessKeyId: string; secretAccessKey: string }>;
  stateMachines: Readonly<Record<string, string>>;
  helmBinary: string;
  kubeconfig: string | undefined;
  eksClusterName: string | undefined;
  allowLoopbackHttp: boolean;
  logLevel: string;
  /** Whether Powertools' tracer could trace here (it decides the rest); off AWS it is never loaded. */
  tracingPossible: boolean;
  /** Lowest level the in-memory log buffer keeps; SILENT keeps nothing. */
  logBufferLevel: string;
  logGroupPrefix: string | undefined;
  deploymentName: string | undefined;
  helmDefaultPollSeconds: number;
  helmDefaultReadyStableSeconds: number;
  agent: Readonly<{ heartbeatSeconds: number; commandWaitSeconds: number; pollIntervalSeconds: number }>;
  packageCaFile: string | undefined;
  authCacheSeconds: number;
  secrets: Readonly<{ backend: 'aws' | 'local'; prefix: string; localKey: string | undefined }>;
  startedAt: Date;
}>;

/** Parses an environment into the typed configuration; throws naming the bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv): Config {
  const parsed = ConfigSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`invalid environment variable ${String(issue?.path[0])}: ${issue?.message}`);
  }
  const e = parsed.data;
  const machines = z.record(z.string(), z.string()).parse(JSON.parse(e.STATE_MACHINES));
  return {
    region: e.AWS_REGION,
    version: e.APP_VERSION,
    tables: { platform: e.PLATFORM_TABLE, config: e.CONFIG_TABLE, fleet: e.FLEET_TABLE, helm: e.HELM_TABLE },
    dynamodbEndpoint: e.DYNAMODB_ENDPOINT,
    sfnEndpoint: e.SFN_ENDPOINT,
    pushEndpoint: e.PUSH_ENDPOINT,
    pushTransport: e.PUSH_TRANSPORT,
    localSfnCredentials: { accessKeyId: e.LOCAL_SFN_ACCESS_KEY_ID, secretAccessKey: e.LOCAL_SFN_SECRET_ACCESS_KEY },
    stateMachines: machines,
    helmBinary: e.HELM_BINARY,
    kubeconfig: e.KUBECONFIG,
    eksClusterName: e.EKS_CLUSTER_NAME,
    allowLoopbackHttp: e.ALLOW_LOOPBACK_HTTP === 'true',
    logLevel: e.LOG_LEVEL,
    tracingPossible:
      e.POWERTOOLS_TRACE_ENABLED?.toLowerCase() !== 'false' && !!e.AWS_EXECUTION_ENV && e.AWS_EXECUTION_ENV !== 'AWS_Lambda_amplify-mock' && !e.AWS_SAM_LOCAL,
    logBufferLevel: e.LOG_BUFFER_LEVEL,
    logGroupPrefix: e.LOG_GROUP_PREFIX,
    deploymentName: e.DEPLOYMENT_NAME,
    helmDefaultPollSeconds: e.HELM_DEFAULT_POLL_SECONDS,
    helmDefaultReadyStableSeconds: e.HELM_DEFAULT_READY_STABLE_SECONDS,
    agent: {
      heartbeatSeconds: e.AGENT_HEARTBEAT_SECONDS,
      commandWaitSeconds: e.AGENT_COMMAND_WAIT_SECONDS,
      pollIntervalSeconds: e.AGENT_POLL_INTERVAL_SECONDS,
    },
    packageCaFile: e.PACKAGE_CA_FILE,
    authCacheSeconds: e.AUTH_CACHE_SECONDS,
    secrets: { backend: e.SECRETS_BACKEND, prefix: e.SECRETS_PREFIX, localKey: e.LOCAL_SECRETS_KEY },
    startedAt: new Date(),
  };
}

export const config: Config = loadConfig(process.env);
