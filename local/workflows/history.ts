import type { HistoryEventType } from '@aws-sdk/client-sfn';
import type { StateMachine } from 'aws-local-stepfunctions';
import type { HistoryEventDetails, StoredHistoryEvent } from './types.js';

/** One entry of the library's `eventLogs` (the library does not export the type). */
export type LibraryEvent = ReturnType<StateMachine['run']>['eventLogs'] extends AsyncGenerator<infer E> ? E : never;

/** `<Type>StateEntered` / `<Type>StateExited` names that exist in AWS's history. */
const ENTERED: Readonly<Record<string, HistoryEventType>> = {
  Task: 'TaskStateEntered',
  Map: 'MapStateEntered',
  Parallel: 'ParallelStateEntered',
  Pass: 'PassStateEntered',
  Wait: 'WaitStateEntered',
  Choice: 'ChoiceStateEntered',
  Succeed: 'SucceedStateEntered',
  Fail: 'FailStateEntered',
};
const EXITED: Readonly<Record<string, HistoryEventType>> = {
  Task: 'TaskStateExited',
  Map: 'MapStateExited',
  Parallel: 'ParallelStateExited',
  Pass: 'PassStateExited',
  Wait: 'WaitStateExited',
  Choice: 'ChoiceStateExited',
  Succeed: 'SucceedStateExited',
};
const FAILED: Readonly<Record<string, HistoryEventType>> = { Map: 'MapStateFailed', Parallel: 'ParallelStateFailed' };

/**
 * The event history of one execution in AWS's shape. It merges the library's event log (state
 * transitions, Map iterations) with the runner's own events (tasks, tokens, Map Runs, the
 * execution's start and end), which the library does not know about.
 */
export class ExecutionHistory {
  constructor(
    private readonly events: StoredHistoryEvent[],
    private readonly stateTypes: ReadonlyMap<string, string>,
  ) {}

  add(type: HistoryEventType, details: HistoryEventDetails = {}, at: Date = new Date()): void {
    const id = this.events.length + 1;
    this.events.push({ ...details, id, previousEventId: id - 1, timestamp: at.toISOString(), type });
  }

  /** Copies the library's events until its log closes (when the execution ends). */
  async follow(logs: AsyncGenerator<LibraryEvent>): Promise<void> {
    for await (const event of logs) this.addLibraryEvent(event);
  }

  private addLibraryEvent(event: LibraryEvent): void {
    const at = new Date(event.timestamp);
    switch (event.type) {
      case 'StateEntered': {
        const type = ENTERED[this.typeOf(event.state.name, event.state.type)];
        if (type) this.add(type, { stateEnteredEventDetails: { name: event.state.name, input: JSON.stringify(event.state.input) } }, at);
        return;
      }
      case 'StateExited': {
        const type = EXITED[this.typeOf(event.state.name, event.state.type)];
        if (type) this.add(type, { stateExitedEventDetails: { name: event.state.name, output: JSON.stringify(event.state.output ?? null) } }, at);
        return;
      }
      case 'StateFailed': {
        // Task failures are recorded by the task itself (TaskFailed, TaskTimedOut…), with the details AWS gives.
        const type = FAILED[this.typeOf(event.state.name, event.state.type)];
        if (type) this.add(type, {}, at);
        return;
      }
      case 'MapIterationStarted':
        this.add('MapIterationStarted', { mapIterationStartedEventDetails: { name: event.parentState.name, index: event.index } }, at);
        return;
      case 'MapIterationSucceeded':
        this.add('MapIterationSucceeded', { mapIterationSucceededEventDetails: { name: event.parentState.name, index: event.index } }, at);
        return;
      case 'MapIterationFailed':
        this.add('MapIterationFailed', { mapIterationFailedEventDetails: { name: event.parentState.name, index: event.index } }, at);
        return;
      default:
        // The execution's own start and end are recorded by the runner, with the stop request's error
        // and cause; retries and catches have no event of their own in AWS's history.
        return;
    }
  }

  private typeOf(name: string, libraryType: string): string {
    return this.stateTypes.get(name) ?? libraryType;
  }
}
