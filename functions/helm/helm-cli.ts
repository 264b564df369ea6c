import { execFile } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { config } from '#shared/config.js';
import { redact } from './chart-source.js';

/**
 * The real helm binary (the Lambda layer's /opt/helm/helm; unzipped from the same layer locally),
 * with its homes under /tmp (the only writable place in Lambda).
 */

/** helm failed for a reason another attempt will not fix (bad chart, bad values, refused by the API server). */
export class HelmCommandError extends Error {
  override name = 'HelmCommandError';
}

/** The cluster could not be reached or was overloaded: worth retrying. */
export class KubeUnavailableError extends Error {
  override name = 'KubeUnavailable';
}

const TRANSIENT =
  /connection refused|connection reset|i\/o timeout|TLS handshake timeout|server is currently unable|etcdserver: request timed out|Too Many Requests|no such host|EOF$/im;

const HOME = join(tmpdir(), 'control-plane-helm');

function helmEnv(kubeconfig: string): NodeJS.ProcessEnv {
  mkdirSync(HOME, { recursive: true });
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME,
    HELM_CACHE_HOME: join(HOME, 'cache'),
    HELM_CONFIG_HOME: join(HOME, 'config'),
    HELM_DATA_HOME: join(HOME, 'data'),
    KUBECONFIG: kubeconfig,
    KUBECACHEDIR: join(HOME, 'kube-cache'),
  };
}

/**
 * Runs helm and returns its stdout. `secretArgs` (repository credentials) are appended to the command
 * but never appear in an error message or a log. Throws KubeUnavailableError for a transient cluster
 * error, HelmCommandError otherwise, with helm's own message.
 */
export function runHelm(args: readonly string[], options: { kubeconfig: string; secretArgs?: readonly string[]; timeoutMs: number }): Promise<string> {
  return new Promise((done, fail) => {
    execFile(
      config.helmBinary,
      [...args, ...(options.secretArgs ?? [])],
      { env: helmEnv(options.kubeconfig), timeout: options.timeoutMs, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (!error) return done(stdout);
        const message = redact(
          (stderr || error.message)
            .trim()
            .split('\n')
            .filter((line) => line.trim() !== '')
            .slice(-5)
            .join('; '),
        );
        if ((error as { killed?: boolean }).killed) return fail(new KubeUnavailableError(`helm ${args[0] ?? ''} did not finish in ${options.timeoutMs} ms`));
        fail(TRANSIENT.test(message) ? new KubeUnavailableError(message) : new HelmCommandError(message.replace(/^Error: /, '')));
      },
    );
  });
}
