import { randomUUID } from 'node:crypto';
import type { ArnScope } from './arns.js';
import { mapRunArn } from './arns.js';
import type { DistributedMapSpec } from './compile.js';
import { ExecutionStopped, StatesRuntimeError, TaskFailure } from './errors.js';
import type { ExecutionHistory } from './history.js';
import type { JsonObject, JsonValue } from './json.js';
import { isJsonObject, parseJson } from './json.js';
import type { StateOverride } from './task-invoker.js';
import type { ContextObject } from './template.js';
import { PayloadTemplate } from './template.js';
import type { StoredExecution } from './types.js';

/** AWS runs up to 10,000 child executions of a Map Run at once when MaxConcurrency is 0 or absent. */
const DEFAULT_MAX_CONCURRENCY = 10_000;

/** A child execution of a Map Run, as the runner hands it to the Map. */
export type ChildExecution = Readonly<{
  executionArn: string;
  /** Settles with the child's final record, whatever its status. */
  finished: Promise<StoredExecution>;
  stop: (error: string, cause: string) => void;
}>;

export type ChildStart = Readonly<{ spec: DistributedMapSpec; name: string; input: JsonValue; mapRunArn: string }>;

/** What a Distributed Map needs from the execution it runs in. */
export type MapRuntime = Readonly<{
  executionName: string;
  scope: ArnScope;
  signal: AbortSignal;
  history: ExecutionHistory;
  context: ContextObject;
  startChild: (start: ChildStart) => ChildExecution;
  /** 1 for the first run of a Map state in this execution, 2 when a Retry or a loop runs it again… */
  nextRun: (stateName: string) => number;
}>;

type Batch = { input: JsonValue; items: number };

/**
 * The override that runs a Distributed Map: compile.ts turned the Map into a Task whose input is
 * `{ input, items, batchInput?, …Path values }`. Each item (or batch) runs as a child execution
 * of the ItemProcessor, named `<execution>/<label>/<index>`, at most MaxConcurrency at a time;
 * the result is the children's outputs in item order. Past the tolerated failures the Map Run
 * stops its children and fails with States.ExceedToleratedFailureThreshold.
 */
export function createDistributedMapOverride(spec: DistributedMapSpec, rt: MapRuntime): StateOverride {
  const selector = spec.itemSelector === undefined ? undefined : new PayloadTemplate(spec.itemSelector);
  return async function runMapRun(input) {
    if (rt.signal.aborted) throw new ExecutionStopped('the execution is over');
    await new Promise((next) => setImmediate(next)); // let the history record MapStateEntered first
    const fields = isJsonObject(input) ? input : {};
    const items = fields.items;
    if (!Array.isArray(items)) throw new StatesRuntimeError(`Map ${spec.stateName}: ItemsPath must select an array`);
    const mapInput = fields.input ?? null;
    const selected = selector
      ? await Promise.all(items.map((value, index) => selector.evaluate(mapInput, { ...rt.context, Map: { Item: { Index: index, Value: value } } })))
      : items;
    const batches = toBatches(spec, fields, selected);
    const run = rt.nextRun(spec.stateName);
    const arn = mapRunArn(rt.scope, spec.processor.name, randomUUID());
    rt.history.add('MapStateStarted', { mapStateStartedEventDetails: { length: items.length } });
    rt.history.add('MapRunStarted', { mapRunStartedEventDetails: { mapRunArn: arn } });

    const limit = countOf(fields.maxConcurrency) ?? spec.maxConcurrency ?? 0;
    const percentage = countOf(fields.toleratedFailurePercentage) ?? spec.toleratedFailurePercentage;
    const count = countOf(fields.toleratedFailureCount) ?? spec.toleratedFailureCount;
    // With neither threshold set AWS tolerates nothing; with one set only that one applies.
    const tolerated = (failedItems: number): boolean =>
      (count === undefined && percentage === undefined ? failedItems === 0 : true) &&
      (count === undefined || failedItems <= count) &&
      (percentage === undefined || (failedItems / Math.max(items.length, 1)) * 100 <= percentage);

    const results: JsonValue[] = new Array<JsonValue>(batches.length).fill(null);
    const running = new Set<ChildExecution>();
    let failedItems = 0;
    let exceeded = false;
    let next = 0;
    const stopAll = (error: string, cause: string): void => {
      for (const child of running) child.stop(error, cause);
    };
    const onAbort = (): void => stopAll('States.Aborted', 'The parent execution ended');
    rt.signal.addEventListener('abort', onAbort, { once: true });

    const prefix = run === 1 ? `${rt.executionName}/${spec.label}` : `${rt.executionName}/${spec.label}-${run}`;
    const worker = async (): Promise<void> => {
      while (!exceeded && !rt.signal.aborted && next < batches.length) {
        const index = next++;
        const batch = batches[index];
        if (!batch) continue;
        const child = rt.startChild({ spec, name: `${prefix}/${index}`, input: batch.input, mapRunArn: arn });
        running.add(child);
        const record = await child.finished;
        running.delete(child);
        if (record.status === 'SUCCEEDED') {
          results[index] = record.output === undefined ? null : parseJson(record.output);
          continue;
        }
        results[index] = { Error: record.error ?? null, Cause: record.cause ?? null };
        failedItems += batch.items;
        if (!exceeded && !tolerated(failedItems)) {
          exceeded = true;
          stopAll('States.ExceedToleratedFailureThreshold', 'The Map Run exceeded its tolerated failure threshold');
        }
      }
    };
    try {
      const workers = Math.min(limit > 0 ? limit : DEFAULT_MAX_CONCURRENCY, batches.length);
      await Promise.all(Array.from({ length: workers }, worker));
    } finally {
      rt.signal.removeEventListener('abort', onAbort);
    }
    if (rt.signal.aborted) {
      rt.history.add('MapRunAborted');
      throw new ExecutionStopped('the execution is over');
    }
    if (exceeded) {
      const cause = `${failedItems} of ${items.length} items failed, more than the Map Run tolerates`;
      rt.history.add('MapRunFailed', { mapRunFailedEventDetails: { error: 'States.ExceedToleratedFailureThreshold', cause } });
      throw new TaskFailure('States.ExceedToleratedFailureThreshold', cause);
    }
    rt.history.add('MapRunSucceeded');
    return results;
  };
}

/** Without ItemBatcher one child per item; with it, `{ BatchInput?, Items }` per batch, as AWS builds them. */
function toBatches(spec: DistributedMapSpec, fields: Record<string, JsonValue>, items: JsonValue[]): Batch[] {
  if (!spec.batched) return items.map((item) => ({ input: item, items: 1 }));
  const maxItems = countOf(fields.maxItemsPerBatch) ?? spec.maxItemsPerBatch ?? 0;
  const maxBytes = countOf(fields.maxInputBytesPerBatch) ?? spec.maxInputBytesPerBatch ?? 0;
  const batchInput = fields.batchInput;
  const groups: JsonValue[][] = [];
  let current: JsonValue[] = [];
  let bytes = 0;
  for (const item of items) {
    const size = Buffer.byteLength(JSON.stringify(item));
    const full = (maxItems > 0 && current.length >= maxItems) || (maxBytes > 0 && bytes + size > maxBytes);
    if (current.length > 0 && full) {
      groups.push(current);
      current = [];
      bytes = 0;
    }
    current.push(item);
    bytes += size;
  }
  if (current.length > 0) groups.push(current);
  return groups.map((group): Batch => {
    const input: JsonObject = batchInput === undefined ? { Items: group } : { BatchInput: batchInput, Items: group };
    return { input, items: group.length };
  });
}

function countOf(value: JsonValue | undefined): number | undefined {
  return typeof value === 'number' && value >= 0 ? value : undefined;
}
