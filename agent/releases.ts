import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readlink, rename, rm, stat, symlink, unlink } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { isMissing } from './state-store.js';

/** Where everything lives inside the agent's work folder. */
export type WorkPaths = {
  dir: string;
  releases: string;
  downloads: string;
  current: string;
};

export function workPaths(folder: string): WorkPaths {
  const dir = resolve(folder);
  return { dir, releases: join(dir, 'releases'), downloads: join(dir, 'downloads'), current: join(dir, 'current') };
}

export function releaseDir(paths: WorkPaths, version: string): string {
  return join(paths.releases, version);
}

export async function ensureWorkFolders(paths: WorkPaths): Promise<void> {
  await mkdir(paths.releases, { recursive: true });
  await mkdir(paths.downloads, { recursive: true });
}

/** The version `current` points at (`releases/<version>`), or null when there is none. */
export async function readCurrentVersion(paths: WorkPaths): Promise<string | null> {
  try {
    const target = resolve(paths.dir, await readlink(paths.current));
    return dirname(target) === paths.releases ? basename(target) : null;
  } catch (error) {
    if (isMissing(error) || (error instanceof Error && 'code' in error && error.code === 'EINVAL')) return null;
    throw error;
  }
}

/**
 * Points `current` at `releases/<version>` atomically: a new symlink under a temporary name is
 * renamed over the old one, so a reader sees either the old or the new release, never nothing.
 * `null` removes `current` (reverting the very first deploy).
 */
export async function switchCurrent(paths: WorkPaths, version: string | null): Promise<void> {
  if (version === null) {
    await unlink(paths.current).catch((error: unknown) => {
      if (!isMissing(error)) throw error;
    });
    return;
  }
  const temporary = join(paths.dir, `.current-${randomBytes(6).toString('hex')}`);
  // Relative, so the work folder can be moved or mounted elsewhere.
  await symlink(join('releases', version), temporary);
  try {
    await rename(temporary, paths.current);
  } catch (error) {
    await unlink(temporary).catch(() => undefined);
    throw error;
  }
}

export async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (error) {
    if (isMissing(error)) return false;
    throw error;
  }
}

/**
 * Removes release folders not in `keep`, and leftovers of interrupted unpacks (dot-folders).
 * Renames before deleting so a half-deleted folder never looks like a release.
 */
export async function removeReleasesExcept(paths: WorkPaths, keep: ReadonlySet<string>): Promise<string[]> {
  const removed: string[] = [];
  for (const name of await readdir(paths.releases)) {
    if (keep.has(name)) continue;
    const doomed = join(paths.releases, name.startsWith('.') ? name : `.removing-${name}-${randomBytes(4).toString('hex')}`);
    if (!name.startsWith('.')) await rename(join(paths.releases, name), doomed);
    await rm(doomed, { recursive: true, force: true });
    if (!name.startsWith('.')) removed.push(name);
  }
  return removed;
}

/** Empties `downloads/` (archives are deleted after unpacking; anything left is from a crash). */
export async function clearDownloads(paths: WorkPaths): Promise<void> {
  for (const name of await readdir(paths.downloads)) await rm(join(paths.downloads, name), { recursive: true, force: true });
}

/** Removes half-unpacked or half-deleted release folders (dot-folders) left by a crash. */
export async function clearLeftovers(paths: WorkPaths): Promise<void> {
  for (const name of await readdir(paths.releases)) {
    if (name.startsWith('.')) await rm(join(paths.releases, name), { recursive: true, force: true });
  }
  for (const name of await readdir(paths.dir)) {
    if (name.startsWith('.current-')) await rm(join(paths.dir, name), { force: true });
  }
}
