import type { StoredExecution } from './types.js';

/**
 * Where the runner keeps executions. It writes each execution when it starts and when it ends
 * (with its history), and reads everything back once, when it first needs it, so a restarted
 * runner still answers DescribeExecution and can `recover()` what was running.
 */
export interface ExecutionStore {
  /** Every stored execution, in any order. */
  list(): Promise<StoredExecution[]>;
  /** Inserts or replaces the execution with the same `executionArn`. */
  put(execution: StoredExecution): Promise<void>;
}

/** Keeps executions in this process only: for tests, and for runs that need no history after exit. */
export class MemoryExecutionStore implements ExecutionStore {
  private readonly executions = new Map<string, StoredExecution>();

  async list(): Promise<StoredExecution[]> {
    return [...this.executions.values()].map((execution) => structuredClone(execution));
  }

  async put(execution: StoredExecution): Promise<void> {
    this.executions.set(execution.executionArn, structuredClone(execution));
  }
}
