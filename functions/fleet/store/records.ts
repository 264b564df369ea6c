import * as z from 'zod';

/** Release-system items as read back from the table (validated at the store boundary). */
export const INSTANCE_STATES = ['running', 'stopped', 'error'] as const;

export const InstanceRecordSchema = z.object({
  service: z.string(),
  instance_id: z.string(),
  host: z.string().default(''),
  port: z.number().int().default(0),
  metadata: z.record(z.string(), z.string()).default({}),
  version: z.string().default(''),
  state: z.enum(INSTANCE_STATES).default('running'),
  last_heartbeat: z.string(),
  registered_at: z.string(),
  version_updated_at: z.string().optional(),
  active_op: z.string().optional(),
  history_count: z.number().int().default(0),
});
export type InstanceRecord = z.infer<typeof InstanceRecordSchema>;

export const OPERATION_KINDS = ['deploy', 'rollback'] as const;
export type OperationKind = (typeof OPERATION_KINDS)[number];
export const ROW_STATUSES = ['pending', 'in_progress', 'completed', 'failed', 'cancelled'] as const;
export type RowStatus = (typeof ROW_STATUSES)[number];
export const TERMINAL: readonly RowStatus[] = ['completed', 'failed', 'cancelled'];

export const OperationRecordSchema = z.object({
  id: z.string(),
  kind: z.enum(OPERATION_KINDS),
  rollback_type: z.enum(['single', 'batch']).optional(),
  service: z.string(),
  version: z.string(),
  package_url: z.string(),
  sha256: z.string().nullable().default(null),
  instances: z.array(z.string()),
  timeout: z.number().int(),
  retry_count: z.number().int(),
  max_concurrency: z.number().int(),
  stop_on_failure: z.boolean(),
  force: z.boolean().default(false),
  request_hash: z.string(),
  status: z.enum(['starting', 'in_progress', 'completed', 'failed', 'cancelled']),
  halted: z.boolean().default(false),
  error_message: z.string().nullable().default(null),
  started_at: z.string(),
  updated_at: z.string(),
  completed_at: z.string().nullable().default(null),
  cancelled_at: z.string().nullable().default(null),
  execution_arn: z.string().optional(),
});
export type OperationRecord = z.infer<typeof OperationRecordSchema>;

export const RowRecordSchema = z.object({
  instance_id: z.string(),
  status: z.enum(ROW_STATUSES),
  current_version: z.string().nullable().default(null),
  target_version: z.string(),
  started_at: z.string().nullable().default(null),
  completed_at: z.string().nullable().default(null),
  error_message: z.string().nullable().default(null),
  output_tail: z.string().nullable().default(null),
  attempts: z.number().int().default(0),
  command_id: z.string().nullable().default(null),
});
export type RowRecord = z.infer<typeof RowRecordSchema>;

/** The agent's answer, kept on its command so a cancel can tell a finished instance from one not started. */
export const CommandAnswerSchema = z.object({
  status: z.enum(['completed', 'failed', 'cancelled']),
  version: z.string(),
  error_message: z.string().nullable(),
  output_tail: z.string(),
});
export type CommandAnswer = z.infer<typeof CommandAnswerSchema>;

export const COMMAND_TYPES = ['deploy', 'rollback', 'cancel'] as const;
export const CommandRecordSchema = z.object({
  command_id: z.string(),
  type: z.enum(COMMAND_TYPES),
  operation_id: z.string(),
  service: z.string(),
  instance_id: z.string(),
  version: z.string(),
  package_url: z.string(),
  sha256: z.string().nullable().default(null),
  timeout_seconds: z.number().int(),
  progress_interval_seconds: z.number().int(),
  target_command_id: z.string().optional(),
  attempt: z.number().int().default(1),
  token: z.string().optional(),
  status: z.enum(['queued', 'acked', 'done', 'expired', 'cancelled']),
  answer: CommandAnswerSchema.optional(),
  created_at: z.string(),
});
export type CommandRecord = z.infer<typeof CommandRecordSchema>;

export const HistoryRecordSchema = z.object({
  version: z.string(),
  action: z.enum(OPERATION_KINDS),
  deploy_id: z.string(),
  timestamp: z.string(),
  status: z.enum(['success', 'failed', 'cancelled']),
});
export type HistoryRecord = z.infer<typeof HistoryRecordSchema>;
