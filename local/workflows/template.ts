import type { RunOptions } from 'aws-local-stepfunctions';
import { ExecutionError, StateMachine } from 'aws-local-stepfunctions';
import type { JsonValue } from './json.js';

export type ContextObject = NonNullable<RunOptions['context']>;

/**
 * A payload template (`ItemSelector`, `Parameters`) evaluated by the library itself, so paths,
 * `$$` context references and intrinsic functions behave exactly as in the states it runs: the
 * template is the Parameters of a one-state Pass machine. Used where the runner does the work the
 * library cannot, such as selecting the items of a Distributed Map.
 */
export class PayloadTemplate {
  private readonly machine: StateMachine;

  constructor(template: JsonValue) {
    this.machine = new StateMachine(
      { StartAt: 'Select', States: { Select: { Type: 'Pass', Parameters: template, End: true } } },
      { validationOptions: { noValidate: true } },
    );
  }

  /** Resolves the template against `input` and the context object; throws the library's runtime error. */
  async evaluate(input: JsonValue, context: ContextObject): Promise<JsonValue> {
    try {
      return await this.machine.run(input, { context }).result;
    } catch (error) {
      throw error instanceof ExecutionError && error.cause instanceof Error ? error.cause : error;
    }
  }
}
