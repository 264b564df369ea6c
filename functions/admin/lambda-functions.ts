import { LambdaClient, ListFunctionsCommand, UpdateFunctionConfigurationCommand } from '@aws-sdk/client-lambda';
import type { FunctionConfiguration } from '@aws-sdk/client-lambda';
import { config } from '#shared/config.js';

/**
 * This deployment's Lambda functions (AWS): each carries `DEPLOYMENT_NAME` in its environment and
 * the `control-plane:deployment` tag (infra sets both; IAM lets the restart function update only
 * functions with that tag). Updating a function's configuration makes Lambda retire its execution
 * environments: the next invocation starts in a new container, while invocations already running
 * finish in the old one.
 */
export type LambdaApi = Pick<LambdaClient, 'send'>;

const defaultClient: LambdaApi = new LambdaClient({ region: config.region, maxAttempts: 6 });
/** Lambda's control plane allows a few updates a second; more in parallel only earns throttling. */
const PARALLEL_UPDATES = 4;

/** The functions whose environment names `deployment`. */
export async function functionsOf(deployment: string, client: LambdaApi = defaultClient): Promise<FunctionConfiguration[]> {
  const found: FunctionConfiguration[] = [];
  let marker: string | undefined;
  do {
    const page = await client.send(new ListFunctionsCommand({ MaxItems: 50, ...(marker ? { Marker: marker } : {}) }));
    found.push(...(page.Functions ?? []).filter((f) => f.Environment?.Variables?.DEPLOYMENT_NAME === deployment));
    marker = page.NextMarker;
  } while (marker);
  return found;
}

/**
 * Sets `RESTARTED_AT=<stamp>` on every function of `deployment`, keeping its other variables; the
 * next deploy removes the variable again, which restarts nothing it would not restart anyway.
 */
export async function restartFunctions(
  deployment: string,
  stamp: string,
  client: LambdaApi = defaultClient,
): Promise<{ restarted: string[]; failed: { name: string; reason: string }[] }> {
  const pending = await functionsOf(deployment, client);
  const restarted: string[] = [];
  const failed: { name: string; reason: string }[] = [];
  const worker = async () => {
    for (let fn = pending.shift(); fn; fn = pending.shift()) {
      const name = fn.FunctionName ?? '';
      try {
        await client.send(
          new UpdateFunctionConfigurationCommand({ FunctionName: name, Environment: { Variables: { ...fn.Environment?.Variables, RESTARTED_AT: stamp } } }),
        );
        restarted.push(name);
      } catch (error) {
        failed.push({ name, reason: error instanceof Error ? `${error.name}: ${error.message}` : String(error) });
      }
    }
  };
  await Promise.all(Array.from({ length: PARALLEL_UPDATES }, worker));
  return { restarted: restarted.sort(), failed };
}
