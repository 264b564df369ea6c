import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type * as Dynamo from '../../functions/shared/dynamo.js';
import type * as Secrets from '../../functions/shared/secrets.js';
import { localSecretsKey } from '../../local/secrets-key.js';
import type { TestRuntime } from '../helpers/runtime.js';
import { startTestRuntime } from '../helpers/runtime.js';

let rt: TestRuntime;
// Imported after the runtime has set the environment the functions' config reads.
let secrets: typeof Secrets;
let dynamo: typeof Dynamo.dynamo;

beforeAll(async () => {
  rt = await startTestRuntime({ localCharts: false });
  secrets = await import('../../functions/shared/secrets.js');
  ({ dynamo } = await import('../../functions/shared/dynamo.js'));
});
afterAll(() => rt.close());

const rawItem = async (name: string) =>
  (await dynamo.send(new GetCommand({ TableName: rt.tables.helm, Key: { pk: `SECRET#${name}`, sk: 'SECRET' }, ConsistentRead: true }))).Item;

describe('the local secrets store', () => {
  it('round-trips a value and replaces it', async () => {
    await secrets.putSecret('repos/round-trip', '{"username":"u","password":"first"}');
    expect(await secrets.getSecret('repos/round-trip')).toBe('{"username":"u","password":"first"}');
    await secrets.putSecret('repos/round-trip', 'second ✓ ünïcode');
    expect(await secrets.getSecret('repos/round-trip')).toBe('second ✓ ünïcode');
  });

  it('keeps the value encrypted at rest: the raw item holds neither the value nor its base64', async () => {
    const value = 'plain-text-password-1234567890';
    await secrets.putSecret('repos/at-rest', value);
    const item = await rawItem('repos/at-rest');
    expect(Object.keys(item ?? {}).sort()).toEqual(['ciphertext', 'iv', 'pk', 'sk', 'tag', 'updated_at']);
    const raw = JSON.stringify(item);
    expect(raw).not.toContain(value);
    expect(raw).not.toContain(Buffer.from(value).toString('base64'));
    expect(Buffer.from(String(item?.ciphertext), 'base64').toString('utf8')).not.toContain('plain-text');
    // A fresh nonce per write: the same value never gives the same ciphertext twice.
    await secrets.putSecret('repos/at-rest', value);
    expect((await rawItem('repos/at-rest'))?.ciphertext).not.toBe(item?.ciphertext);
  });

  it('refuses a ciphertext moved onto another name (the name is authenticated)', async () => {
    await secrets.putSecret('repos/original', 'moved-value');
    const item = await rawItem('repos/original');
    await dynamo.send(new PutCommand({ TableName: rt.tables.helm, Item: { ...item, pk: 'SECRET#repos/stolen' } }));
    await expect(secrets.getSecret('repos/stolen')).rejects.toThrow(/cannot be decrypted/);
  });

  it('deletes a value, and deleting twice or reading a missing one is harmless', async () => {
    await secrets.putSecret('repos/gone', 'x');
    await secrets.deleteSecret('repos/gone');
    expect(await secrets.getSecret('repos/gone')).toBeUndefined();
    expect(await rawItem('repos/gone')).toBeUndefined();
    await secrets.deleteSecret('repos/gone');
    expect(await secrets.getSecret('repos/never-stored')).toBeUndefined();
  });

  it('refuses names outside the allowed characters', async () => {
    await expect(secrets.putSecret('repos/bad name', 'x')).rejects.toThrow(/invalid secret name/);
  });
});

describe('the local secrets key', () => {
  const dirs: string[] = [];
  const dataDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'repos-secrets-key-'));
    dirs.push(dir);
    return dir;
  };
  afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  it('is created once in <dataDir>/secrets.key with mode 0600 and read back unchanged', () => {
    const dir = dataDir();
    const key = localSecretsKey(dir);
    expect(Buffer.from(key, 'base64')).toHaveLength(32);
    expect(statSync(join(dir, 'secrets.key')).mode & 0o777).toBe(0o600);
    expect(localSecretsKey(dir)).toBe(key);
  });

  it('is one random key per process without a data folder', () => {
    expect(localSecretsKey(undefined)).toBe(localSecretsKey(undefined));
    expect(Buffer.from(localSecretsKey(undefined), 'base64')).toHaveLength(32);
  });

  it('refuses a damaged key file instead of replacing it', () => {
    const dir = dataDir();
    writeFileSync(join(dir, 'secrets.key'), 'not a key\n', { mode: 0o600 });
    expect(() => localSecretsKey(dir)).toThrow(/does not hold a 32-byte base64 key/);
  });
});
