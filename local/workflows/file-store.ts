import { ExecutionStatus, HistoryEventType } from '@aws-sdk/client-sfn';
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import type { ExecutionStore } from './store.js';
import type { StoredExecution, StoredHistoryEvent } from './types.js';

const HistoryEventSchema = z.looseObject({
  id: z.number().int(),
  previousEventId: z.number().int(),
  timestamp: z.string(),
  type: z.enum(HistoryEventType),
});

const StoredExecutionSchema = z.object({
  executionArn: z.string(),
  stateMachineArn: z.string(),
  stateMachineName: z.string(),
  name: z.string(),
  status: z.enum(ExecutionStatus),
  startDate: z.string(),
  stopDate: z.string().optional(),
  input: z.string(),
  output: z.string().optional(),
  error: z.string().optional(),
  cause: z.string().optional(),
  parentExecutionArn: z.string().optional(),
  mapRunArn: z.string().optional(),
  history: z.array(HistoryEventSchema),
});

/** The event's details are the runner's own writing in AWS's shape; the envelope is what is checked. */
function isStoredHistoryEvent(event: z.infer<typeof HistoryEventSchema>): event is StoredHistoryEvent {
  return HistoryEventSchema.safeParse(event).success;
}

/**
 * Keeps executions as JSON files in a folder (e.g. `.data/workflows/`), one per execution, named by
 * a hash of its ARN (ARNs hold characters and lengths a file name cannot). Each write goes to a
 * temporary file first and is renamed into place, so a crash never leaves half a record.
 */
export class FileExecutionStore implements ExecutionStore {
  constructor(private readonly directory: string) {}

  async list(): Promise<StoredExecution[]> {
    let files: string[];
    try {
      files = (await readdir(this.directory)).filter((file) => file.endsWith('.json'));
    } catch (error) {
      if (error instanceof Error && 'code' in error && error.code === 'ENOENT') return [];
      throw error;
    }
    const records = await Promise.all(files.map((file) => this.read(join(this.directory, file))));
    return records.filter((record) => record !== undefined);
  }

  async put(execution: StoredExecution): Promise<void> {
    await mkdir(this.directory, { recursive: true });
    const file = join(this.directory, `${createHash('sha256').update(execution.executionArn).digest('hex').slice(0, 40)}.json`);
    const temporary = `${file}.${process.pid}.tmp`;
    await writeFile(temporary, JSON.stringify(execution));
    await rename(temporary, file);
  }

  private async read(file: string): Promise<StoredExecution | undefined> {
    let parsed: ReturnType<typeof StoredExecutionSchema.safeParse>;
    try {
      parsed = StoredExecutionSchema.safeParse(JSON.parse(await readFile(file, 'utf8')));
    } catch (error) {
      console.error(`workflow store: ignoring ${file}: ${String(error)}`);
      return undefined;
    }
    if (!parsed.success) {
      console.error(`workflow store: ignoring ${file}: ${parsed.error.message}`);
      return undefined;
    }
    const history = parsed.data.history.filter(isStoredHistoryEvent);
    return { ...parsed.data, history };
  }
}
