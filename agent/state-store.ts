import { open, readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import * as z from 'zod';
import { InvalidFileError } from './errors.js';
import { CommandResultSchema, CommandSchema, VersionSchema } from './protocol.js';

/** The command being worked on; survives a crash so the restarted agent can report it failed. */
const InFlightSchema = z.object({
  command: CommandSchema,
  started_at: z.string(),
  previous_version: z.string().nullable(),
  step: z.string(),
});

/** A result not yet accepted by the API; delivered (again) until it is. */
const PendingResultSchema = z.object({
  command_id: z.string(),
  operation_id: z.string(),
  result: CommandResultSchema,
  finished_at: z.string(),
});
export type PendingResult = z.infer<typeof PendingResultSchema>;

/** A release kept under `releases/<version>/` and where it came from. */
const KeptReleaseSchema = z.object({
  version: VersionSchema,
  package_url: z.string(),
  sha256: z.string().nullable(),
  installed_at: z.string(),
  /** Last time `current` was switched to it; pruning keeps the most recent. */
  activated_at: z.string(),
});
export type KeptRelease = z.infer<typeof KeptReleaseSchema>;

export const AgentFileStateSchema = z.object({
  format: z.literal(1),
  in_flight: InFlightSchema.nullable(),
  /** Acked commands waiting their turn. */
  queued: z.array(CommandSchema),
  pending_results: z.array(PendingResultSchema),
  releases: z.array(KeptReleaseSchema),
  /** Commands already answered, so a command delivered twice is not run twice. */
  recent_command_ids: z.array(z.string()),
});
export type AgentFileState = z.infer<typeof AgentFileStateSchema>;

/** How many finished command ids are remembered for de-duplication. */
const RECENT_COMMANDS = 200;

export function emptyState(): AgentFileState {
  return { format: 1, in_flight: null, queued: [], pending_results: [], releases: [], recent_command_ids: [] };
}

/**
 * `<dir>/state.json`: read once at start, then kept in memory and rewritten after every change
 * (write to a temporary file, fsync, rename), so a crash leaves either the old or the new file.
 */
export class StateStore {
  private writing: Promise<void> = Promise.resolve();

  private constructor(
    private readonly file: string,
    private state: AgentFileState,
  ) {}

  /** Loads `state.json`; a missing file is an empty state, a corrupt one is set aside and reported. */
  static async load(dir: string): Promise<{ store: StateStore; problem: InvalidFileError | null }> {
    const file = join(dir, 'state.json');
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      if (isMissing(error)) return { store: new StateStore(file, emptyState()), problem: null };
      throw error;
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    const parsed = AgentFileStateSchema.safeParse(json);
    if (parsed.success) return { store: new StateStore(file, parsed.data), problem: null };
    const aside = `${file}.corrupt-${Date.now()}`;
    await rename(file, aside);
    return {
      store: new StateStore(file, emptyState()),
      problem: new InvalidFileError(`state.json did not match its schema; moved to ${aside} and started empty`),
    };
  }

  get(): Readonly<AgentFileState> {
    return this.state;
  }

  /** Applies `change` to the state and persists it; resolves once the new state is on disk. */
  update(change: (state: AgentFileState) => void): Promise<void> {
    const next = structuredClone(this.state);
    change(next);
    next.recent_command_ids = next.recent_command_ids.slice(-RECENT_COMMANDS);
    this.state = next;
    const text = `${JSON.stringify(next, null, 2)}\n`;
    // A failed write must not wedge every later one: each write starts after the previous settles.
    const write = this.writing.catch(() => undefined).then(() => writeAtomically(this.file, text));
    this.writing = write;
    return write;
  }

  /** Resolves once every update so far is on disk. */
  flushed(): Promise<void> {
    return this.writing.catch(() => undefined);
  }
}

async function writeAtomically(file: string, text: string): Promise<void> {
  const temporary = `${file}.tmp`;
  const handle = await open(temporary, 'w', 0o600);
  try {
    await handle.writeFile(text);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temporary, file);
}

export function isMissing(error: unknown): boolean {
  return error instanceof Error && 'code' in error && error.code === 'ENOENT';
}
