import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * One key per process for runtimes without a data folder (tests): the functions' config module
 * reads `LOCAL_SECRETS_KEY` once, and a test may start the runtime twice in one process.
 */
const MEMORY_KEY = randomBytes(32).toString('base64');

/**
 * The key the local secrets store encrypts with (base64, 32 bytes): kept in `<dataDir>/secrets.key`
 * (created once, mode 0600, so secrets stored in `.data` survive restarts and are unreadable
 * without it), or a random key in memory when there is no data folder.
 */
export function localSecretsKey(dataDir: string | undefined): string {
  if (!dataDir) return MEMORY_KEY;
  const file = join(dataDir, 'secrets.key');
  mkdirSync(dataDir, { recursive: true });
  try {
    // `wx`: never overwrite a key that exists, or every stored secret would be lost.
    writeFileSync(file, `${randomBytes(32).toString('base64')}\n`, { flag: 'wx', mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
  const key = readFileSync(file, 'utf8').trim();
  if (Buffer.from(key, 'base64').length !== 32)
    throw new Error(`${file} does not hold a 32-byte base64 key; restore it from a backup (stored secrets need it)`);
  return key;
}
