import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { config } from './config.js';

const run = promisify(execFile);

/** The version of the real helm binary (Lambda layer at /opt/helm/helm; unzipped locally). */
export async function helmVersion(): Promise<{ version: string | null; reason?: string }> {
  try {
    const { stdout } = await run(config.helmBinary, ['version', '--template', '{{.Version}}'], {
      timeout: 10_000,
      env: { HOME: '/tmp', HELM_CACHE_HOME: '/tmp/helm/cache', HELM_CONFIG_HOME: '/tmp/helm/config', HELM_DATA_HOME: '/tmp/helm/data' },
    });
    return { version: stdout.trim() };
  } catch (error) {
    return { version: null, reason: `helm binary ${config.helmBinary} failed: ${error instanceof Error ? error.message : String(error)}` };
  }
}
