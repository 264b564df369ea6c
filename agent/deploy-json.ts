import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as z from 'zod';
import { InvalidFileError } from './errors.js';
import { isMissing } from './state-store.js';

/** Lifecycle hooks in the order a deploy runs them (`stop` belongs to the release being replaced). */
export const HookNames = ['stop', 'before_install', 'after_install', 'start', 'validate'] as const;
export type HookName = (typeof HookNames)[number];

/** Hook timeout when `deploy.json` does not give one. */
export const DEFAULT_HOOK_TIMEOUT_SECONDS = 60;

const HookSchema = z.object({
  command: z.string().min(1),
  timeout_seconds: z.number().positive().max(86_400).default(DEFAULT_HOOK_TIMEOUT_SECONDS),
});
export type Hook = z.infer<typeof HookSchema>;

/** `deploy.json` at a package's root. Unknown hook names are refused, so a typo is not silently skipped. */
export const DeployJsonSchema = z.object({
  hooks: z
    .strictObject({
      stop: HookSchema.optional(),
      before_install: HookSchema.optional(),
      after_install: HookSchema.optional(),
      start: HookSchema.optional(),
      validate: HookSchema.optional(),
    })
    .default({}),
});
export type DeployJson = z.infer<typeof DeployJsonSchema>;

/** Reads `<releaseFolder>/deploy.json`; a package without one has no hooks. */
export async function readDeployJson(releaseFolder: string): Promise<DeployJson> {
  let text: string;
  try {
    text = await readFile(join(releaseFolder, 'deploy.json'), 'utf8');
  } catch (error) {
    if (isMissing(error)) return { hooks: {} };
    throw error;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new InvalidFileError(`deploy.json is not JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  const parsed = DeployJsonSchema.safeParse(json);
  if (!parsed.success) throw new InvalidFileError(`deploy.json is invalid: ${z.prettifyError(parsed.error).replaceAll('\n', '; ')}`);
  return parsed.data;
}
