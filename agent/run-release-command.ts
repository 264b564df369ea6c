import { randomBytes } from 'node:crypto';
import { rename, rm } from 'node:fs/promises';
import type { Dispatcher } from 'undici';
import { type DeployJson, type HookName, readDeployJson } from './deploy-json.js';
import { downloadPackage } from './download.js';
import { CommandInterruptedError, DownloadError, describeCause } from './errors.js';
import { runHook } from './hooks.js';
import type { Logger } from './logger.js';
import type { OutputTail } from './output-tail.js';
import type { Command, CommandResult } from './protocol.js';
import { type WorkPaths, exists, readCurrentVersion, releaseDir, switchCurrent } from './releases.js';
import type { StateStore } from './state-store.js';
import { keepRelease } from './keep-releases.js';
import { unpackPackage } from './unpack.js';

export type ReleaseCommandContext = {
  command: Command;
  paths: WorkPaths;
  store: StateStore;
  dispatcher: Dispatcher;
  logger: Logger;
  output: OutputTail;
  /** Aborted with a `CommandInterruptedError` as reason (cancel, 409/410, timeout, agent stop). */
  signal: AbortSignal;
  /** Records the step in progress (progress messages and state.json). */
  setStep(step: string): void;
  /** The version to report when `current` points nowhere (the `--version` flag). */
  fallbackVersion: string;
  /** How many releases to keep on disk, the current one included. */
  keep: number;
};

/** What has been done so far, so a failure undoes exactly that. */
type Done = { stopRan: boolean; switched: boolean; installedFresh: boolean };

/**
 * Runs a deploy or rollback: fetch the release (unless a rollback finds it kept), then `stop` of
 * the current release, `before_install`, the switch of `current`, `after_install`, `start`,
 * `validate`. Any failure or interruption puts `current` back and restarts the previous release.
 * Always resolves with the result to report.
 */
export async function runReleaseCommand(ctx: ReleaseCommandContext): Promise<CommandResult> {
  const { command, paths } = ctx;
  const target = command.version;
  const previous = await readCurrentVersion(paths);
  const done: Done = { stopRan: false, switched: false, installedFresh: false };
  const startedAt = new Date().toISOString();
  try {
    if (previous === target && (await exists(releaseDir(paths, target)))) {
      ctx.output.append(`${target} is already the current release; nothing to do\n`);
      return { status: 'completed', version: target, error_message: null, output_tail: ctx.output.toString() };
    }
    let source = { package_url: command.package_url, sha256: command.sha256 ?? null };
    const reuse = command.type === 'rollback' && (await exists(releaseDir(paths, target)));
    if (reuse) {
      ctx.output.append(`release ${target} is still kept; switching to it without downloading\n`);
      const kept = ctx.store.get().releases.find((release) => release.version === target);
      if (kept) source = { package_url: kept.package_url, sha256: kept.sha256 };
    } else {
      source = await fetchRelease(ctx);
      done.installedFresh = true;
    }

    const next = await readDeployJson(releaseDir(paths, target));
    const current = previous === null ? null : await readPreviousDeployJson(ctx, previous);
    const env = hookEnv(ctx, target, previous);
    checkpoint(ctx.signal);
    if (current?.hooks.stop && previous !== null) {
      done.stopRan = true;
      await step(ctx, 'stop', current, releaseDir(paths, previous), env);
    }
    await step(ctx, 'before_install', next, releaseDir(paths, target), env);
    checkpoint(ctx.signal);
    ctx.setStep('switch');
    await switchCurrent(paths, target);
    done.switched = true;
    ctx.logger.info('command.switched', { command_id: command.command_id, from: previous, to: target });
    for (const hook of ['after_install', 'start', 'validate'] as const) await step(ctx, hook, next, releaseDir(paths, target), env);

    await keepRelease(ctx, { version: target, ...source, previous, startedAt });
    return { status: 'completed', version: target, error_message: null, output_tail: ctx.output.toString() };
  } catch (error) {
    return recover(ctx, error, previous, done);
  }
}

/** Downloads and unpacks the package into `releases/<version>`, replacing a folder of that name. */
async function fetchRelease(ctx: ReleaseCommandContext): Promise<{ package_url: string; sha256: string }> {
  const { command, paths } = ctx;
  if (command.package_url === '') throw new DownloadError(`release ${command.version} is not kept on this instance and the command has no package_url`);
  ctx.setStep('download');
  const archive = await downloadPackage({
    url: command.package_url,
    sha256: command.sha256 ?? null,
    folder: paths.downloads,
    dispatcher: ctx.dispatcher,
    signal: ctx.signal,
    logger: ctx.logger,
  });
  ctx.output.append(`downloaded ${archive.bytes} bytes, sha256 ${archive.sha256}\n`);
  try {
    checkpoint(ctx.signal);
    ctx.setStep('unpack');
    const staging = await unpackPackage(archive.file, paths.releases);
    try {
      await readDeployJson(staging); // refuse a broken deploy.json before touching anything
      checkpoint(ctx.signal);
    } catch (error) {
      await rm(staging, { recursive: true, force: true });
      throw error;
    }
    await replaceFolder(staging, releaseDir(paths, command.version));
    await ctx.store.update((state) => {
      state.releases = state.releases.filter((release) => release.version !== command.version);
    });
  } finally {
    await rm(archive.file, { force: true });
  }
  return { package_url: command.package_url, sha256: archive.sha256 };
}

async function replaceFolder(from: string, to: string): Promise<void> {
  if (await exists(to)) {
    const aside = `${from}-old-${randomBytes(4).toString('hex')}`;
    await rename(to, aside);
    await rm(aside, { recursive: true, force: true });
  }
  await rename(from, to);
}

async function step(ctx: ReleaseCommandContext, name: HookName, deployJson: DeployJson, cwd: string, env: Record<string, string>): Promise<void> {
  checkpoint(ctx.signal);
  const hook = deployJson.hooks[name];
  if (!hook) return;
  ctx.setStep(name);
  await runHook({ name, hook, cwd, env: { ...env, DEPLOY_HOOK: name }, output: ctx.output, signal: ctx.signal, logger: ctx.logger });
}

/** The release being replaced may predate hook validation; a broken deploy.json there means no hooks. */
async function readPreviousDeployJson(ctx: ReleaseCommandContext, previous: string): Promise<DeployJson> {
  try {
    return await readDeployJson(releaseDir(ctx.paths, previous));
  } catch (error) {
    ctx.logger.warn('command.previous_deploy_json_ignored', { version: previous, error: describeCause(error) });
    return { hooks: {} };
  }
}

function hookEnv(ctx: ReleaseCommandContext, version: string, previous: string | null): Record<string, string> {
  return {
    DEPLOY_VERSION: version,
    DEPLOY_PREVIOUS_VERSION: previous ?? '',
    DEPLOY_RELEASE_DIR: releaseDir(ctx.paths, version),
    DEPLOY_DIR: ctx.paths.dir,
    DEPLOY_OPERATION_ID: ctx.command.operation_id,
    DEPLOY_COMMAND_ID: ctx.command.command_id,
  };
}

/** A safe point between steps: stop here if the command was interrupted. */
function checkpoint(signal: AbortSignal): void {
  if (signal.aborted) throw signal.reason;
}

/**
 * Undoes what a failed or interrupted command did: `current` back to the previous release (or
 * removed, on a first deploy), the previous release's `start` run again if it had been stopped, and
 * the half-installed release deleted.
 */
async function recover(ctx: ReleaseCommandContext, error: unknown, previous: string | null, done: Done): Promise<CommandResult> {
  const { paths, command } = ctx;
  // An abort surfaces as whatever the interrupted API threw (AbortError, DOMException); the reason is what counts.
  const cause = ctx.signal.aborted && ctx.signal.reason instanceof CommandInterruptedError ? ctx.signal.reason : error;
  const notes: string[] = [];
  ctx.setStep('revert');
  if (done.switched) {
    try {
      await switchCurrent(paths, previous);
      notes.push(previous === null ? 'current removed' : `current switched back to ${previous}`);
    } catch (switchError) {
      notes.push(`could not switch current back: ${describeCause(switchError)}`);
    }
  }
  if ((done.switched || done.stopRan) && previous !== null) notes.push(await restartPrevious(ctx, previous));
  if (done.installedFresh && previous !== command.version) {
    await rm(releaseDir(paths, command.version), { recursive: true, force: true }).catch(() => undefined);
  }
  const interrupted = cause instanceof CommandInterruptedError ? cause.reason : null;
  const status = interrupted && (interrupted.kind === 'cancelled' || interrupted.kind === 'abandoned') ? 'cancelled' : 'failed';
  const message = [describeCause(cause), ...notes].join('; ');
  ctx.logger.warn(`command.${status}`, { command_id: command.command_id, error: message });
  const version = (await readCurrentVersion(paths).catch(() => null)) ?? ctx.fallbackVersion;
  return { status, version, error_message: message, output_tail: ctx.output.toString() };
}

async function restartPrevious(ctx: ReleaseCommandContext, previous: string): Promise<string> {
  const deployJson = await readPreviousDeployJson(ctx, previous);
  const hook = deployJson.hooks.start;
  if (!hook) return `${previous} has no start hook`;
  const label = `start (revert to ${previous})`;
  try {
    // Not cancellable: the command is already ending, and this puts the instance back in service.
    await runHook({
      name: label,
      hook,
      cwd: releaseDir(ctx.paths, previous),
      env: { ...hookEnv(ctx, previous, ctx.command.version), DEPLOY_HOOK: 'start', DEPLOY_REVERT: '1' },
      output: ctx.output,
      signal: new AbortController().signal,
      logger: ctx.logger,
    });
    return `${previous} started again`;
  } catch (startError) {
    return `restarting ${previous} failed: ${describeCause(startError)}`;
  }
}
