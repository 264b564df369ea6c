import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Context } from 'aws-lambda';
import type { FunctionDef, WorkflowDef } from '../functions/tasks.js';
import { FUNCTIONS, placeholderOf, WORKFLOWS } from '../functions/tasks.js';
import type { ProxyResult } from '../functions/shared/families.js';
import type { LocalEndpoint } from './gateway.js';
import { lambdaContext } from './lambda-context.js';
import type { ExecutionStatusChangeEvent, TaskHandler } from './workflows/index.js';
import {
  executionView,
  FileExecutionStore,
  handleSfnRequest,
  listExecutionsView,
  loadStateMachineDefinitions,
  MemoryExecutionStore,
  WorkflowRunner,
} from './workflows/index.js';

export type FunctionHandler = (payload: unknown, context: Context) => Promise<unknown>;

/**
 * Test seam: wraps the bound handler of a task or event function by its `FUNCTIONS` name (make
 * `RecordInstanceSuccess` throw, hold it, or stand in for a function). Never used by `npm start`;
 * production Lambda code has no such hook.
 */
export type WrapHandler = (name: string, handler: FunctionHandler) => FunctionHandler;

const ROOT = new URL('..', import.meta.url).pathname;

function loadFunction(entry: string): Promise<FunctionHandler> {
  return import(pathToFileURL(join(ROOT, 'functions', `${entry}.ts`)).href).then((mod: { handler: FunctionHandler }) => mod.handler);
}

/**
 * The Step Functions side of the local cloud: every `statemachines/*.asl.json` run by the workflow
 * runner, each `${XFunctionArn}` placeholder bound to the in-process handler of `FUNCTIONS` row `X`
 * (as the CDK substitutes the function's ARN), each execution's status change event delivered to
 * the `endedBy` function of its workflow as the per-machine EventBridge rule does in AWS (child
 * executions of a Distributed Map go nowhere, as no rule names their machine), and executions kept
 * under `dataDir`.
 */
export async function startWorkflows(options: {
  dataDir?: string;
  statemachinesDir?: string;
  /** @default WORKFLOWS */
  workflows?: readonly WorkflowDef[];
  /** @default FUNCTIONS */
  functions?: readonly FunctionDef[];
  wrapHandler?: WrapHandler;
}): Promise<{ runner: WorkflowRunner; endpoints: LocalEndpoint[]; stateMachines: Record<string, string> }> {
  const definitions = await loadStateMachineDefinitions(options.statemachinesDir ?? join(ROOT, 'statemachines'));
  const workflows = options.workflows ?? WORKFLOWS;
  const functions = options.functions ?? FUNCTIONS;
  const byPlaceholder = new Map(functions.map((f) => [placeholderOf(f.name), f]));
  const byName = new Map(functions.map((f) => [f.name, f]));
  const wrap = options.wrapHandler ?? ((_name: string, handler: FunctionHandler) => handler);
  const bound = (fn: FunctionDef): TaskHandler => {
    const handler = wrap(fn.name, async (payload, context) => (await loadFunction(fn.entry))(payload, context));
    return (payload) => handler(payload, lambdaContext(fn.entry, (fn.timeoutSeconds ?? 60) * 1000));
  };
  const routeEnd = async (event: ExecutionStatusChangeEvent): Promise<void> => {
    const { ownerOf } = await import('../functions/shared/workflow-ends.js');
    const owner = byName.get(ownerOf(event.detail.stateMachineArn, workflows) ?? '');
    if (owner) await bound(owner)(event);
  };
  const runner = new WorkflowRunner({
    definitions,
    store: options.dataDir ? new FileExecutionStore(join(options.dataDir, 'workflows')) : new MemoryExecutionStore(),
    resolveTask: (placeholder) => {
      const fn = byPlaceholder.get(placeholder);
      if (!fn) return undefined;
      return bound(fn);
    },
    onExecutionEnded: routeEnd,
  });
  // Workflows whose ASL is not in the folder (tests point the runner at fixtures) are left out.
  const stateMachines = Object.fromEntries(workflows.filter((w) => w.name in definitions).map((w) => [w.name, runner.stateMachineArn(w.name)]));

  const json = (statusCode: number, body: unknown): ProxyResult => ({
    statusCode,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const endpoints: LocalEndpoint[] = [
    async ({ method, path, headers, body }) => {
      if (method !== 'POST' || (path !== '/local/sfn' && path !== '/local/sfn/')) return undefined;
      return handleSfnRequest(runner, headers['x-amz-target'] ?? '', body);
    },
    async ({ method, path }) => {
      if (method !== 'GET' || !path.startsWith('/local/executions')) return undefined;
      if (path === '/local/executions' || path === '/local/executions/') return json(200, await listExecutionsView(runner, { includeChildren: false }));
      const name = decodeURIComponent(path.slice('/local/executions/'.length));
      const view = await executionView(runner, name);
      return view ? json(200, view) : json(404, { message: `no execution named ${name}` });
    },
  ];
  return { runner, endpoints, stateMachines };
}
