import { randomBytes } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import { isAbsolute, join, posix } from 'node:path';
import { list, extract, type ReadEntry } from 'tar';
import { UnsafePackageError } from './errors.js';

/** Entry types a release may contain; devices and FIFOs have no business in a package. */
const ALLOWED_TYPES = new Set(['File', 'OldFile', 'ContiguousFile', 'Directory', 'SymbolicLink', 'Link']);

/**
 * Unpacks a `.tar.gz` into a fresh hidden folder under `releasesFolder` and returns its path; the
 * caller renames it to `releases/<version>` once it is complete. The archive is checked entry by
 * entry first and refused as a whole if anything would land outside the folder.
 */
export async function unpackPackage(archive: string, releasesFolder: string): Promise<string> {
  await checkEntries(archive);
  const staging = join(releasesFolder, `.unpack-${randomBytes(6).toString('hex')}`);
  await mkdir(staging, { recursive: true });
  try {
    // node-tar's own guards (no absolute paths, no `..`, no writing through symlinks) stay on as a
    // second line of defence; `strict` turns its warnings into errors.
    await extract({ file: archive, cwd: staging, strict: true, preservePaths: false, preserveOwner: false });
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw error instanceof UnsafePackageError
      ? error
      : new UnsafePackageError(`package could not be unpacked: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  return staging;
}

async function checkEntries(archive: string): Promise<void> {
  const problems: string[] = [];
  try {
    await list({
      file: archive,
      strict: true,
      onReadEntry(entry: ReadEntry) {
        const problem = entryProblem(entry);
        if (problem) problems.push(problem);
      },
    });
  } catch (error) {
    throw new UnsafePackageError(`package is not a readable .tar.gz: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  if (problems.length > 0)
    throw new UnsafePackageError(`package refused: ${problems.slice(0, 3).join('; ')}${problems.length > 3 ? `; and ${problems.length - 3} more` : ''}`);
}

function entryProblem(entry: ReadEntry): string | null {
  const path = entry.path;
  if (!ALLOWED_TYPES.has(entry.type)) return `entry ${JSON.stringify(path)} is a ${entry.type}`;
  if (escapes(path)) return `entry ${JSON.stringify(path)} escapes the release folder`;
  if (entry.type === 'SymbolicLink' || entry.type === 'Link') {
    const link = entry.linkpath ?? '';
    // A symlink resolves from its own folder; a hard link names a path from the archive root.
    const resolved = entry.type === 'SymbolicLink' ? posix.join(posix.dirname(path), link) : link;
    if (link === '' || isAbsolute(link) || escapes(resolved))
      return `link ${JSON.stringify(path)} -> ${JSON.stringify(link)} points outside the release folder`;
  }
  return null;
}

function escapes(path: string): boolean {
  if (isAbsolute(path) || /^[A-Za-z]:/.test(path)) return true;
  const normalized = posix.normalize(path.replaceAll('\\', '/'));
  return normalized === '..' || normalized.startsWith('../');
}
