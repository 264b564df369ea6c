import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Context } from 'aws-lambda';
import { FUNCTIONS, placeholderOf, WORKFLOWS } from '../functions/tasks.js';
import type { ProxyResult } from '../functions/shared/families.js';
import type { LocalEndpoint } from './gateway.js';
import { lambdaContext } from './lambda-context.js';
import type { ExecutionStatusChangeEvent } from './workflows/index.js';
import {
  executionView,
  FileExecutionStore,
  handleSfnRequest,
  listExecutionsView,
  loadStateMachineDefinitions,
  MemoryExecutionStore,
  WorkflowRunner,
} from './workflows/index.js';

type FunctionHandler = (payload: unknown, context: Context) => Promise<unknown>;

const ROOT = new URL('..', import.meta.url).pathname;

function loadFunction(entry: string): Promise<FunctionHandler> {
  return import(pathToFileURL(join(ROOT, 'functions', `${entry}.ts`)).href).then((mod: { handler: FunctionHandler }) => mod.handler);
}

/**
 * The Step Functions side of the local cloud: every `statemachines/*.asl.json` run by the workflow
 * runner, each `${XFunctionArn}` placeholder bound to the in-process handler of `FUNCTIONS` row `X`
 * (as the CDK substitutes the function's ARN), the execution-status events delivered to the
 * `ExecutionEnded` function as EventBridge would, and executions kept under `dataDir`.
 */
export async function startWorkflows(options: {
  dataDir?: string;
  statemachinesDir?: string;
}): Promise<{ runner: WorkflowRunner; endpoints: LocalEndpoint[]; stateMachines: Record<string, string> }> {
  const definitions = await loadStateMachineDefinitions(options.statemachinesDir ?? join(ROOT, 'statemachines'));
  const byPlaceholder = new Map(FUNCTIONS.map((f) => [placeholderOf(f.name), f]));
  const ended = FUNCTIONS.find((f) => f.kind === 'event' && f.name === 'ExecutionEnded');
  const runner = new WorkflowRunner({
    definitions,
    store: options.dataDir ? new FileExecutionStore(join(options.dataDir, 'workflows')) : new MemoryExecutionStore(),
    resolveTask: (placeholder) => {
      const fn = byPlaceholder.get(placeholder);
      if (!fn) return undefined;
      return async (payload) => (await loadFunction(fn.entry))(payload, lambdaContext(fn.entry, (fn.timeoutSeconds ?? 60) * 1000));
    },
    ...(ended
      ? {
          onExecutionEnded: async (event: ExecutionStatusChangeEvent) =>
            void (await (
              await loadFunction(ended.entry)
            )(event, lambdaContext(ended.entry, (ended.timeoutSeconds ?? 60) * 1000))),
        }
      : {}),
  });
  // Workflows whose ASL is not in the folder (tests point the runner at fixtures) are left out.
  const stateMachines = Object.fromEntries(WORKFLOWS.filter((w) => w.name in definitions).map((w) => [w.name, runner.stateMachineArn(w.name)]));

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
