import type { StateMachineDefinition } from 'aws-local-stepfunctions';
import { StateMachine } from 'aws-local-stepfunctions';
import { substitute } from './definitions.js';
import { WorkflowDefinitionError } from './errors.js';
import type { JsonObject, JsonValue } from './json.js';
import { isJsonObject } from './json.js';

/**
 * AWS's default Task timeout is 99999999 s, which overflows a Node timer (it would fire at once);
 * this is the longest a timer can wait (~24.8 days). Without it the library would cut every Task
 * at its own default of 60 s.
 */
export const DEFAULT_TASK_TIMEOUT_SECONDS = 2_147_483;

const LAMBDA_INVOKE = 'arn:aws:states:::lambda:invoke';
const WAIT_FOR_TASK_TOKEN = '.waitForTaskToken';
const DISTRIBUTED_MAP_RESOURCE = 'arn:aws:states:::local:distributedMap';

/** How a Task state reaches its handler. */
export type TaskIntegration = 'lambda-function' | 'lambda-invoke' | 'service';

export type TaskSpec = Readonly<{
  stateName: string;
  resource: string;
  integration: TaskIntegration;
  waitForTaskToken: boolean;
  /** Static values; `undefined` when the state gives a `…Path` (then the task input carries the value). */
  timeoutSeconds: number | undefined;
  heartbeatSeconds: number | undefined;
}>;

export type DistributedMapSpec = Readonly<{
  stateName: string;
  /** `Label`, else the state name; AWS names the child state machine `<machine>/<label>`. */
  label: string;
  processor: CompiledMachine;
  itemSelector: JsonValue | undefined;
  maxConcurrency: number | undefined;
  toleratedFailurePercentage: number | undefined;
  toleratedFailureCount: number | undefined;
  batched: boolean;
  maxItemsPerBatch: number | undefined;
  maxInputBytesPerBatch: number | undefined;
}>;

/** A state machine made runnable by the library, with what the runner must emulate beside it. */
export type CompiledMachine = Readonly<{
  name: string;
  library: StateMachine;
  tasks: ReadonlyMap<string, TaskSpec>;
  distributedMaps: ReadonlyMap<string, DistributedMapSpec>;
  /** State name → the Type written in the ASL (a Distributed Map runs as a Task underneath). */
  stateTypes: ReadonlyMap<string, string>;
}>;

type Scope = {
  machine: string;
  substitutions: Readonly<Record<string, string>>;
  names: Set<string>;
  tasks: Map<string, TaskSpec>;
  maps: Map<string, DistributedMapSpec>;
  types: Map<string, string>;
};

function isDefinition(value: unknown): value is StateMachineDefinition {
  return isJsonObject(value) && typeof value.StartAt === 'string' && isJsonObject(value.States);
}

/**
 * Validates an ASL definition with the library, then rewrites it into what the library can run:
 * every Task's input is wrapped so the override also receives its dynamic timeouts, Tasks without a
 * timeout get AWS's (instead of the library's 60 s), `States.Timeout` matchers also match
 * `States.HeartbeatTimeout`, and each Distributed Map becomes a Task that the runner implements.
 */
export function compileStateMachine(machine: string, definition: JsonObject, substitutions: Readonly<Record<string, string>>): CompiledMachine {
  validate(machine, definition);
  return compileMachine(machine, definition, substitutions, new Set());
}

/** Definitions that passed validation, by their JSON text: validating one takes a few hundred ms, and tests build many runners. */
const validated = new Set<string>();

/** The library's own validation (asl-validator), on a copy: the validator writes defaults into what it checks. */
function validate(machine: string, definition: JsonObject): void {
  const text = JSON.stringify(definition);
  if (validated.has(text)) return;
  const copy = structuredClone(definition);
  if (!isDefinition(copy)) throw new WorkflowDefinitionError(machine, 'the definition needs StartAt and States');
  try {
    new StateMachine(copy, { validationOptions: { checkArn: true, checkPaths: true } });
  } catch (error) {
    throw new WorkflowDefinitionError(machine, error instanceof Error ? error.message : String(error), { cause: error });
  }
  validated.add(text);
}

function compileMachine(machine: string, definition: JsonObject, substitutions: Readonly<Record<string, string>>, names: Set<string>): CompiledMachine {
  const scope: Scope = { machine, substitutions, names, tasks: new Map(), maps: new Map(), types: new Map() };
  const rewritten = { ...definition, States: compileStates(scope, definition.States) };
  if (!isDefinition(rewritten)) throw new WorkflowDefinitionError(machine, 'the definition needs StartAt and States');
  return {
    name: machine,
    library: new StateMachine(rewritten, { validationOptions: { noValidate: true } }),
    tasks: scope.tasks,
    distributedMaps: scope.maps,
    stateTypes: scope.types,
  };
}

function compileStates(scope: Scope, states: JsonValue | undefined): JsonObject {
  if (!isJsonObject(states)) throw new WorkflowDefinitionError(scope.machine, 'States must be an object');
  const out: JsonObject = {};
  for (const [name, state] of Object.entries(states)) {
    if (!isJsonObject(state) || typeof state.Type !== 'string') throw new WorkflowDefinitionError(scope.machine, `state ${name} has no Type`);
    // AWS requires unique names across the whole machine; the library's overrides rely on it too.
    if (scope.names.has(name)) throw new WorkflowDefinitionError(scope.machine, `state name ${name} is used twice`);
    scope.names.add(name);
    scope.types.set(name, state.Type);
    out[name] = compileState(scope, name, state);
  }
  return out;
}

function compileState(scope: Scope, name: string, state: JsonObject): JsonObject {
  const { Resource, Parameters, ItemProcessor, Iterator, Branches, ...rest } = state;
  const common = withHeartbeatMatching(substituteObject(rest, scope.substitutions));
  if (state.Type === 'Task') {
    const parameters = Parameters === undefined ? undefined : substituteParameters(Parameters, scope.substitutions);
    return compileTask(scope, name, { ...common, Resource: Resource ?? null, ...(parameters === undefined ? {} : { Parameters: parameters }) });
  }
  const parameters: JsonObject = Parameters === undefined ? {} : { Parameters: substitute(Parameters, scope.substitutions) };
  if (state.Type === 'Map') {
    const processor = ItemProcessor ?? Iterator;
    if (!isJsonObject(processor)) throw new WorkflowDefinitionError(scope.machine, `Map state ${name} has no ItemProcessor`);
    const config = processor.ProcessorConfig;
    if (isJsonObject(config) && config.Mode === 'DISTRIBUTED') return compileDistributedMap(scope, name, { ...common, ...parameters }, processor);
    const inner = { ...processor, States: compileStates(scope, processor.States) };
    return { ...common, ...parameters, ...(ItemProcessor === undefined ? { Iterator: inner } : { ItemProcessor: inner }) };
  }
  if (state.Type === 'Parallel' && Array.isArray(Branches)) {
    const branches = Branches.map((branch) => (isJsonObject(branch) ? { ...branch, States: compileStates(scope, branch.States) } : branch));
    return { ...common, ...parameters, Branches: branches };
  }
  return { ...common, ...parameters };
}

function compileTask(scope: Scope, name: string, state: JsonObject): JsonObject {
  const { Parameters, TimeoutSecondsPath, HeartbeatSecondsPath, ...rest } = state;
  const resource = state.Resource;
  if (typeof resource !== 'string') throw new WorkflowDefinitionError(scope.machine, `Task ${name} needs a Resource string`);
  const waitForTaskToken = resource.endsWith(WAIT_FOR_TASK_TOKEN);
  const base = waitForTaskToken ? resource.slice(0, -WAIT_FOR_TASK_TOKEN.length) : resource;
  const integration: TaskIntegration =
    base === LAMBDA_INVOKE ? 'lambda-invoke' : /^\$\{[^}]+\}$/.test(base) || base.startsWith('arn:aws:lambda:') ? 'lambda-function' : 'service';
  const timeoutSeconds = typeof state.TimeoutSeconds === 'number' ? state.TimeoutSeconds : undefined;
  const heartbeatSeconds = typeof state.HeartbeatSeconds === 'number' ? state.HeartbeatSeconds : undefined;
  if (heartbeatSeconds !== undefined && heartbeatSeconds >= (timeoutSeconds ?? DEFAULT_TASK_TIMEOUT_SECONDS)) {
    throw new WorkflowDefinitionError(
      scope.machine,
      `Task ${name}: HeartbeatSeconds (${heartbeatSeconds}) must be smaller than TimeoutSeconds (${timeoutSeconds})`,
    );
  }
  scope.tasks.set(name, { stateName: name, resource, integration, waitForTaskToken, timeoutSeconds, heartbeatSeconds });

  // The override only sees the task's effective input, so the values it needs besides the payload
  // travel inside that input; `TimeoutSecondsPath` then points at the copy, for the library's own timer.
  const wrapped: JsonObject = Parameters === undefined ? { 'parameters.$': '$' } : { parameters: Parameters };
  if (typeof TimeoutSecondsPath === 'string') wrapped['timeoutSeconds.$'] = TimeoutSecondsPath;
  if (typeof HeartbeatSecondsPath === 'string') wrapped['heartbeatSeconds.$'] = HeartbeatSecondsPath;
  const timeout: JsonObject =
    typeof TimeoutSecondsPath === 'string'
      ? { TimeoutSecondsPath: '$.timeoutSeconds' }
      : timeoutSeconds === undefined
        ? { TimeoutSeconds: DEFAULT_TASK_TIMEOUT_SECONDS }
        : {};
  return { ...rest, ...timeout, Parameters: wrapped };
}

function compileDistributedMap(scope: Scope, name: string, state: JsonObject, processor: JsonObject): JsonObject {
  if (state.ItemReader !== undefined || state.ResultWriter !== undefined) {
    throw new WorkflowDefinitionError(scope.machine, `Distributed Map ${name}: ItemReader and ResultWriter (S3) are not supported locally`);
  }
  const label = typeof state.Label === 'string' ? state.Label : name;
  const { ProcessorConfig: _config, ...processorDefinition } = processor;
  const child = compileMachine(`${scope.machine}/${label}`, processorDefinition, scope.substitutions, scope.names);
  for (const [stateName, type] of child.stateTypes) scope.types.set(stateName, type);
  const batcher = isJsonObject(state.ItemBatcher) ? state.ItemBatcher : undefined;
  scope.maps.set(name, {
    stateName: name,
    label,
    processor: child,
    itemSelector: state.ItemSelector ?? state.Parameters,
    maxConcurrency: numberOf(state.MaxConcurrency),
    toleratedFailurePercentage: numberOf(state.ToleratedFailurePercentage),
    toleratedFailureCount: numberOf(state.ToleratedFailureCount),
    batched: batcher !== undefined,
    maxItemsPerBatch: numberOf(batcher?.MaxItemsPerBatch),
    maxInputBytesPerBatch: numberOf(batcher?.MaxInputBytesPerBatch),
  });

  // The library evaluates these paths (and BatchInput) against the Map's effective input for us.
  const parameters: JsonObject = { 'input.$': '$', 'items.$': typeof state.ItemsPath === 'string' ? state.ItemsPath : '$' };
  const paths: Array<[string, JsonValue | undefined]> = [
    ['maxConcurrency', state.MaxConcurrencyPath],
    ['toleratedFailurePercentage', state.ToleratedFailurePercentagePath],
    ['toleratedFailureCount', state.ToleratedFailureCountPath],
    ['maxItemsPerBatch', batcher?.MaxItemsPerBatchPath],
    ['maxInputBytesPerBatch', batcher?.MaxInputBytesPerBatchPath],
  ];
  for (const [key, path] of paths) if (typeof path === 'string') parameters[`${key}.$`] = path;
  if (batcher?.BatchInput !== undefined) parameters.batchInput = batcher.BatchInput;

  const kept = ['Comment', 'InputPath', 'ResultSelector', 'ResultPath', 'OutputPath', 'Retry', 'Catch', 'Next', 'End'];
  const task: JsonObject = { Type: 'Task', Resource: DISTRIBUTED_MAP_RESOURCE, Parameters: parameters, TimeoutSeconds: DEFAULT_TASK_TIMEOUT_SECONDS };
  for (const key of kept) {
    const value = state[key];
    if (value !== undefined) task[key] = value;
  }
  return task;
}

function numberOf(value: JsonValue | undefined): number | undefined {
  return typeof value === 'number' ? value : undefined;
}

function substituteObject(value: JsonObject, substitutions: Readonly<Record<string, string>>): JsonObject {
  const out = substitute(value, substitutions);
  return isJsonObject(out) ? out : value;
}

/** Substitutes a Task's Parameters except a Lambda `FunctionName`, which `resolveTask` binds. */
function substituteParameters(parameters: JsonValue, substitutions: Readonly<Record<string, string>>): JsonValue {
  if (!isJsonObject(parameters)) return substitute(parameters, substitutions);
  const { FunctionName, ...rest } = parameters;
  return { ...substituteObject(rest, substitutions), ...(FunctionName === undefined ? {} : { FunctionName }) };
}

/** In AWS `States.Timeout` also matches a heartbeat timeout; the library matches names exactly. */
function withHeartbeatMatching(state: JsonObject): JsonObject {
  const widen = (rules: JsonValue | undefined): JsonValue | undefined =>
    Array.isArray(rules)
      ? rules.map((rule) => {
          if (!isJsonObject(rule) || !Array.isArray(rule.ErrorEquals)) return rule;
          const errors = rule.ErrorEquals;
          const widened = errors.includes('States.Timeout') && !errors.includes('States.HeartbeatTimeout') ? [...errors, 'States.HeartbeatTimeout'] : errors;
          return { ...rule, ErrorEquals: widened };
        })
      : rules;
  const retry = widen(state.Retry);
  const catchers = widen(state.Catch);
  return { ...state, ...(retry === undefined ? {} : { Retry: retry }), ...(catchers === undefined ? {} : { Catch: catchers }) };
}
