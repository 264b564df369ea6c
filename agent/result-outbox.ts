import type { AgentApi } from './agent-api.js';
import { sleep } from './backoff.js';
import { describeCause } from './errors.js';
import type { Logger } from './logger.js';
import type { StateStore } from './state-store.js';

/**
 * Delivers the results in `state.json`'s `pending_results`, oldest first, each until the API takes
 * it (or refuses it for good: 409/410 for a command that already timed out, another 4xx). Results
 * are written to disk before delivery starts, so an agent restart delivers them too.
 */
export class ResultOutbox {
  private wakeUp: (() => void) | null = null;
  private readonly controller = new AbortController();
  private running: Promise<void> | null = null;

  constructor(
    private readonly store: StateStore,
    private readonly api: AgentApi,
    private readonly logger: Logger,
  ) {}

  start(): void {
    this.running ??= this.loop();
  }

  /** Call after adding a pending result. */
  wake(): void {
    this.wakeUp?.();
  }

  /** Stops the delivery loop, then tries the remaining results once more until `deadline` aborts. */
  async stop(deadline: AbortSignal): Promise<void> {
    this.controller.abort();
    this.wake();
    await this.running;
    while (!deadline.aborted && this.store.get().pending_results.length > 0) {
      if (!(await this.deliverOldest(deadline))) break;
    }
  }

  private async loop(): Promise<void> {
    const signal = this.controller.signal;
    while (!signal.aborted) {
      if (this.store.get().pending_results.length === 0) {
        await new Promise<void>((resolve) => (this.wakeUp = resolve));
        this.wakeUp = null;
        continue;
      }
      const delivered = await this.deliverOldest(signal).catch((error: unknown) => {
        // Only a state.json write gets here; the result stays pending and is tried again.
        this.logger.error('state.write_failed', { error: describeCause(error) });
        return false;
      });
      if (!delivered) await sleep(1000, signal);
    }
  }

  /** False when `signal` aborted before the API answered. */
  private async deliverOldest(signal: AbortSignal): Promise<boolean> {
    const pending = this.store.get().pending_results[0];
    if (!pending) return true;
    let outcome;
    try {
      outcome = await this.api.result(pending.command_id, pending.result, signal);
    } catch (error) {
      if (!signal.aborted) this.logger.error('result.delivery_failed', { command_id: pending.command_id, error: describeCause(error) });
      return false;
    }
    const event = outcome === 'delivered' ? 'result.delivered' : outcome === 'gone' ? 'result.not_wanted' : 'result.rejected';
    this.logger[outcome === 'delivered' ? 'info' : 'warn'](event, {
      command_id: pending.command_id,
      status: pending.result.status,
      version: pending.result.version,
    });
    await this.store.update((state) => {
      state.pending_results = state.pending_results.filter((result) => result.command_id !== pending.command_id);
    });
    return true;
  }
}
