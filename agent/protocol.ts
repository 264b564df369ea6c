import * as z from 'zod';

/**
 * The agent side of the release system's agent protocol (`/v1/agent/*`). Every answer from the
 * network is parsed with these schemas before the agent acts on it.
 */

/** What the API answers on success and on error: `{ code, message, data }`. */
export const EnvelopeSchema = z.object({
  code: z.number().int(),
  message: z.string(),
  data: z.unknown(),
});

/**
 * A release version names a folder under `releases/`, so it may not hold path separators or be
 * `.`/`..`.
 */
export const VersionSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._+-]{0,127}$/, 'a version is 1-128 of A-Z a-z 0-9 . _ + - and starts with a letter or digit');

export const RegisterDataSchema = z.object({
  heartbeat_interval_seconds: z.number().positive().max(3600),
  command_wait_seconds: z.number().min(0).max(900),
  /** How long to sleep after an empty poll answer (matters when the API does not hold polls, wait 0). */
  poll_interval_seconds: z.number().min(0).max(3600).optional(),
});
export type RegisterData = z.infer<typeof RegisterDataSchema>;

export const CommandTypes = { deploy: 'deploy', rollback: 'rollback', cancel: 'cancel' } as const;
export type CommandType = (typeof CommandTypes)[keyof typeof CommandTypes];

const CommandIdSchema = z.string().min(1).max(256);

export const CommandSchema = z.object({
  command_id: CommandIdSchema,
  type: z.enum([CommandTypes.deploy, CommandTypes.rollback, CommandTypes.cancel]),
  operation_id: z.string().max(256).default(''),
  version: VersionSchema.or(z.literal('')).default(''),
  package_url: z
    .string()
    .max(4096)
    .nullish()
    .transform((url) => url ?? ''),
  sha256: z
    .string()
    .regex(/^[0-9a-fA-F]{64}$/, 'sha256 is 64 hex digits')
    .transform((hex) => hex.toLowerCase())
    .nullish(),
  timeout_seconds: z.number().positive().max(86_400).default(300),
  progress_interval_seconds: z.number().positive().max(3600).default(10),
  target_command_id: CommandIdSchema.nullish(),
});
export type Command = z.infer<typeof CommandSchema>;

/**
 * Commands are parsed one by one (see `parseCommands`) so that one malformed command is reported
 * failed instead of blocking the whole batch.
 */
export const CommandsDataSchema = z.object({ commands: z.array(z.unknown()) });

/** Enough of a command to answer it even when the rest does not parse. */
export const CommandIdentitySchema = z.object({ command_id: CommandIdSchema, operation_id: z.string().optional() });

export const EmptyDataSchema = z.unknown();

export const AgentStates = { running: 'running', stopped: 'stopped', error: 'error' } as const;
export type AgentState = (typeof AgentStates)[keyof typeof AgentStates];

export const ResultStatuses = { completed: 'completed', failed: 'failed', cancelled: 'cancelled' } as const;
export type ResultStatus = (typeof ResultStatuses)[keyof typeof ResultStatuses];

export const CommandResultSchema = z.object({
  status: z.enum([ResultStatuses.completed, ResultStatuses.failed, ResultStatuses.cancelled]),
  version: z.string(),
  error_message: z.string().nullable(),
  output_tail: z.string(),
});
export type CommandResult = z.infer<typeof CommandResultSchema>;

/** The error code with which the API says it does not know this instance: register again. */
export const UNKNOWN_INSTANCE_CODE = 40003;

export type ParsedCommand =
  { ok: true; command: Command } | { ok: false; commandId: string; operationId: string; error: string } | { ok: false; commandId: null; error: string };

/** Parses each command of a poll answer on its own. */
export function parseCommand(raw: unknown): ParsedCommand {
  const parsed = CommandSchema.safeParse(raw);
  if (parsed.success) {
    const command = parsed.data;
    if (command.type !== 'cancel' && command.version === '') return invalid(raw, `${command.type} command needs a version`);
    // A rollback may omit the URL when the agent still keeps the release.
    if (command.type === 'deploy' && command.package_url === '') return invalid(raw, 'deploy command needs a package_url');
    return { ok: true, command };
  }
  return invalid(raw, z.prettifyError(parsed.error).replaceAll('\n', '; '));
}

function invalid(raw: unknown, error: string): ParsedCommand {
  const identity = CommandIdentitySchema.safeParse(raw);
  return identity.success
    ? { ok: false, commandId: identity.data.command_id, operationId: identity.data.operation_id ?? '', error }
    : { ok: false, commandId: null, error };
}
