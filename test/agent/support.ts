import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DeployJsonSpec, HookSpec } from '../helpers/packages.js';

/**
 * deploy.json whose every hook appends `<hook> <version>` to `<dir>/markers.log` and prints a line,
 * so a test can read back which hooks ran, in which order, for which release. `overrides` replace
 * single hooks.
 */
export function markerHooks(version: string, overrides: DeployJsonSpec['hooks'] = {}): DeployJsonSpec {
  const marker = (hook: string): HookSpec => ({ command: `echo "${hook} ${version}" >> "$DEPLOY_DIR/markers.log" && echo "${hook} output for $DEPLOY_VERSION"` });
  return {
    hooks: {
      stop: marker('stop'),
      before_install: marker('before_install'),
      after_install: marker('after_install'),
      start: marker('start'),
      validate: marker('validate'),
      ...overrides,
    },
  };
}

/** The lines of `<dir>/markers.log` (empty when no hook ran yet). */
export async function readMarkers(dir: string): Promise<string[]> {
  try {
    return (await readFile(join(dir, 'markers.log'), 'utf8')).split('\n').filter(Boolean);
  } catch {
    return [];
  }
}
