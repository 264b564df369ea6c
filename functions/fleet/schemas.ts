import * as z from 'zod';
import { boolParam, intParam, NameSchema } from '#shared/validation.js';

/** Request schemas of the release system. */
export const ServiceNameSchema = NameSchema;
export const InstanceIdSchema = z
  .string()
  .min(1, 'must not be empty')
  .max(128, 'must be at most 128 characters')
  .regex(/^[A-Za-z0-9_.:-]+$/, 'may contain only letters, digits, "_", "-", "." and ":"');
export const VersionSchema = z
  .string()
  .min(1, 'must not be empty')
  .max(128, 'must be at most 128 characters')
  .regex(/^[A-Za-z0-9_.+-]+$/, 'may contain only letters, digits, "_", "-", "+" and "."');
export const OperationIdSchema = z
  .string()
  .min(1, 'must not be empty')
  .max(128, 'must be at most 128 characters')
  .regex(/^[A-Za-z0-9_.-]+$/, 'may contain only letters, digits, "_", "-" and "."');
export const PackageUrlSchema = z.string().max(2048, 'must be at most 2048 characters');
export const Sha256Schema = z
  .string()
  .regex(/^[a-fA-F0-9]{64}$/, 'must be 64 hex characters')
  .transform((v) => v.toLowerCase());
export const TimeoutSchema = z.number().int('must be a whole number of seconds').min(1).max(86_400);
export const InstanceListSchema = z
  .array(InstanceIdSchema)
  .min(1, 'must name at least one instance')
  .max(2000, 'may name at most 2000 instances')
  .refine((list) => new Set(list).size === list.length, 'must not name an instance twice');

/** The most instances one operation may touch, and the default concurrency (0: all at once). */
export const ConcurrencySchema = z.number().int().min(1).max(2000);

export const DeployBodySchema = z.object({
  service: ServiceNameSchema,
  version: VersionSchema,
  instances: InstanceListSchema,
  package_url: PackageUrlSchema,
  deploy_id: OperationIdSchema,
  timeout: TimeoutSchema.default(300),
  retry_count: z.number().int().min(0).max(10).default(3),
  max_concurrency: ConcurrencySchema.optional(),
  stop_on_failure: z.boolean().default(false),
  sha256: Sha256Schema.optional(),
});

export const RollbackInstanceBodySchema = z.object({
  instance_id: InstanceIdSchema,
  target_version: VersionSchema,
  package_url: PackageUrlSchema.optional(),
  sha256: Sha256Schema.optional(),
  force: z.boolean().default(false),
  timeout: TimeoutSchema.default(300),
  retry_count: z.number().int().min(0).max(10).default(0),
});

export const RollbackBatchBodySchema = z.object({
  service: ServiceNameSchema,
  target_version: VersionSchema,
  package_url: PackageUrlSchema.optional(),
  sha256: Sha256Schema.optional(),
  instances: InstanceListSchema.optional(),
  force: z.boolean().default(false),
  timeout: TimeoutSchema.default(300),
  retry_count: z.number().int().min(0).max(10).default(0),
  max_concurrency: ConcurrencySchema.optional(),
  stop_on_failure: z.boolean().default(false),
});

export const DeployIdPathSchema = z.object({ deploy_id: OperationIdSchema });
export const RollbackIdPathSchema = z.object({ rollback_id: OperationIdSchema });
export const ServicePathSchema = z.object({ service_name: ServiceNameSchema });
export const InstancePathSchema = z.object({ instance_id: InstanceIdSchema });
export const CommandPathSchema = z.object({
  command_id: z
    .string()
    .min(1)
    .max(64)
    .regex(/^cmd-[a-z0-9]+$/, 'is not a command id'),
});

export const InstanceVersionsQuerySchema = z.object({ include_stopped: boolParam(false) });
export const ListInstancesQuerySchema = z.object({
  status: z.enum(['running', 'stopped', 'error', 'healthy', 'unhealthy'], { message: 'must be running, stopped, error, healthy or unhealthy' }).optional(),
  version: VersionSchema.optional(),
  limit: intParam('limit', { min: 1, max: 1000, default: 100 }),
  offset: intParam('offset', { min: 0, max: 1_000_000, default: 0 }),
});
export const HistoryQuerySchema = z.object({
  limit: intParam('limit', { min: 1, max: 1000, default: 50 }),
  offset: intParam('offset', { min: 0, max: 1_000_000, default: 0 }),
});
export const StatsQuerySchema = z.object({ period: z.enum(['1h', '24h', '7d', '30d'], { message: 'must be 1h, 24h, 7d or 30d' }).default('24h') });

export const RegisterBodySchema = z.object({
  service: ServiceNameSchema,
  instance_id: InstanceIdSchema,
  host: z.string().max(255).default(''),
  port: z.number().int().min(0).max(65535).default(0),
  version: z.string().max(128).default(''),
  state: z.enum(['running', 'stopped', 'error']).default('running'),
  metadata: z
    .record(z.string().max(64), z.string().max(256))
    .refine((m) => Object.keys(m).length <= 32, 'at most 32 entries')
    .default({}),
});
export const HeartbeatBodySchema = z.object({
  service: ServiceNameSchema,
  instance_id: InstanceIdSchema,
  version: z.string().max(128).default(''),
  state: z.enum(['running', 'stopped', 'error']).default('running'),
});
export const PollQuerySchema = z.object({
  service: ServiceNameSchema,
  instance_id: InstanceIdSchema,
  wait: intParam('wait', { min: 0, max: 25, default: 20 }),
});
export const ProgressBodySchema = z.object({ message: z.string().max(1024).default(''), output_tail: z.string().max(8192).default('') });
export const ResultBodySchema = z.object({
  status: z.enum(['completed', 'failed', 'cancelled']),
  version: z.string().max(128).default(''),
  error_message: z.string().max(4096).nullable().default(null),
  output_tail: z.string().max(8192).default(''),
});

/*
 * Response schemas: what each handler's `data` holds, for the OpenAPI document (`response:` in the
 * handler files) and, through it, the end-to-end tests that check every answer.
 */
const INSTANCE_STATES = ['running', 'stopped', 'error'] as const;
const ROW_STATUSES = ['pending', 'in_progress', 'completed', 'failed', 'cancelled'] as const;
const Count = z.number().int();
const Time = z.string();

/** Per-instance counts; every instance not yet finished counts in `pending` (release-system.md). */
export const ProgressSchema = z.object({
  total: Count,
  completed: Count,
  failed: Count,
  pending: Count,
  in_progress: Count.optional(),
  cancelled: Count.optional(),
});
export const InstanceProgressSchema = z.object({
  instance_id: z.string(),
  status: z.enum(ROW_STATUSES),
  current_version: z.string().nullable(),
  target_version: z.string(),
  started_at: Time.nullable(),
  completed_at: Time.nullable(),
  error_message: z.string().nullable(),
  attempts: Count,
  output_tail: z.string().nullable(),
});
const OperationStatus = {
  status: z.enum(ROW_STATUSES),
  progress: ProgressSchema,
  instances: z.array(InstanceProgressSchema),
  started_at: Time,
  updated_at: Time,
  completed_at: Time.nullable(),
  error_message: z.string().optional(),
};
export const DeployStatusSchema = z.object({ deploy_id: z.string(), service: z.string(), version: z.string(), ...OperationStatus });
export const RollbackStatusSchema = z.object({
  rollback_id: z.string(),
  service: z.string(),
  target_version: z.string(),
  rollback_type: z.enum(['single', 'batch']),
  ...OperationStatus,
});
/** `started` for a new operation; a repeated request shows the existing operation's status. */
const StartedStatus = z.enum(['started', 'starting', 'in_progress', 'completed', 'failed', 'cancelled']);
export const DeployStartedSchema = z.object({
  deploy_id: z.string(),
  service: z.string(),
  version: z.string(),
  status: StartedStatus,
  total_instances: Count,
  started_at: Time,
});
export const RollbackStartedSchema = z.object({
  rollback_id: z.string(),
  instance_id: z.string(),
  target_version: z.string(),
  status: StartedStatus,
  started_at: Time,
});
export const BatchRollbackStartedSchema = z.object({
  rollback_id: z.string(),
  service: z.string(),
  target_version: z.string(),
  status: StartedStatus,
  instances: z.array(z.string()),
  total_instances: Count,
  started_at: Time,
});
export const DeployCancelledSchema = z.object({ deploy_id: z.string(), status: z.literal('cancelled'), cancelled_at: Time });
export const RollbackCancelledSchema = z.object({ rollback_id: z.string(), status: z.literal('cancelled'), cancelled_at: Time });

export const InstanceVersionsSchema = z.object({
  service: z.string(),
  instances: z.array(z.object({ instance_id: z.string(), version: z.string(), status: z.enum(INSTANCE_STATES), last_updated: Time })),
  version_summary: z.record(z.string(), Count),
  total_instances: Count,
  updated_at: Time,
});
export const InstancesPageSchema = z.object({
  service: z.string(),
  instances: z.array(
    z.object({
      instance_id: z.string(),
      host: z.string(),
      port: Count,
      /** The agent's state, with `running` shown as `healthy` or `unhealthy` by heartbeat. */
      status: z.enum(['healthy', 'unhealthy', 'stopped', 'error']),
      version: z.string(),
      last_heartbeat: Time,
      metadata: z.record(z.string(), z.string()),
    }),
  ),
  total: Count,
  limit: Count,
  offset: Count,
});
export const VersionHistorySchema = z.object({
  instance_id: z.string(),
  service: z.string(),
  history: z.array(
    z.object({
      version: z.string(),
      action: z.enum(['deploy', 'rollback']),
      deploy_id: z.string(),
      timestamp: Time,
      status: z.enum(['success', 'failed', 'cancelled']),
    }),
  ),
  total: Count,
});
const StatsBlock = z.object({ total: Count, success: Count, failed: Count, cancelled: Count, success_rate: z.number() });
export const StatsSchema = z.object({
  period: z.enum(['1h', '24h', '7d', '30d']),
  deployments: StatsBlock,
  rollbacks: StatsBlock,
  instances: z.object({ total: Count, healthy: Count, unhealthy: Count }),
  timestamp: Time,
});
export const FleetHealthSchema = z.object({
  status: z.enum(['healthy', 'unhealthy']),
  version: z.string(),
  uptime: z.string(),
  database: z.enum(['connected', 'disconnected']),
  cache: z.string(),
  timestamp: Time,
  /** Why the database check failed (503 only). */
  error: z.string().optional(),
});

export const AgentSettingsSchema = z.object({ heartbeat_interval_seconds: Count, command_wait_seconds: Count, poll_interval_seconds: Count });
export const AgentCommandsSchema = z.object({
  commands: z.array(
    z.object({
      command_id: z.string(),
      type: z.enum(['deploy', 'rollback', 'cancel']),
      operation_id: z.string(),
      version: z.string(),
      package_url: z.string(),
      sha256: z.string().nullable(),
      timeout_seconds: Count,
      progress_interval_seconds: Count,
      /** A cancel command names the command it cancels. */
      target_command_id: z.string().optional(),
    }),
  ),
});
/** Agent answers with nothing to say: `{}`. */
export const EmptySchema = z.object({});
/** What the agent's answers to a command get: `{}`, or 410 once the command is no longer awaited. */
export const CommandAnswerResponses = { 200: { data: EmptySchema }, 410: { error: true } } as const;
