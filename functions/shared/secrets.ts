import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import {
  CreateSecretCommand,
  DeleteSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { config } from './config.js';
import { dynamo } from './dynamo.js';
import { nowIso } from './ids.js';

/**
 * The secrets store: repository credentials and cluster kubeconfigs. Values are never logged and
 * never returned by a route; callers keep them out of error messages too.
 *
 * - `SECRETS_BACKEND=aws`: AWS Secrets Manager, the secret named `<SECRETS_PREFIX><name>`
 *   (default prefix `control-plane/`), so IAM can grant exactly that prefix.
 * - `SECRETS_BACKEND=local` (the local runtime): an item of the helm table, encrypted at rest with
 *   AES-256-GCM under `LOCAL_SECRETS_KEY`; the secret's name is the additional authenticated data,
 *   so a ciphertext copied onto another name does not decrypt.
 *
 *   secret   pk = SECRET#<name>   sk = SECRET   → iv, ciphertext, tag (base64), updated_at
 */

/** Secret names: path-like, as Secrets Manager allows (`repos/myrepo`, `clusters/prod/kubeconfig`). */
const SECRET_NAME = /^[A-Za-z0-9/_+=.@-]{1,200}$/;

function checkName(name: string): void {
  if (!SECRET_NAME.test(name)) throw new Error(`invalid secret name "${name}": use letters, digits and / _ + = . @ - (at most 200)`);
}

let client: SecretsManagerClient | undefined;
/** Created on first use, once per container: the local backend never needs it. */
const secretsManager = () => (client ??= new SecretsManagerClient({ region: config.region, maxAttempts: 5 }));
const awsName = (name: string) => `${config.secrets.prefix}${name}`;

const isNotFound = (error: unknown) => error instanceof ResourceNotFoundException || (error instanceof Error && error.name === 'ResourceNotFoundException');

const LocalSecretSchema = z.object({ iv: z.string(), ciphertext: z.string(), tag: z.string() });
const secretKey = (name: string) => ({ pk: `SECRET#${name}`, sk: 'SECRET' });

function localKey(): Buffer {
  const key = config.secrets.localKey;
  if (!key) throw new Error('SECRETS_BACKEND=local needs LOCAL_SECRETS_KEY (32 bytes, base64); the local runtime sets it');
  return Buffer.from(key, 'base64');
}

/** Encrypts `value` for the secret `name`: a fresh 96-bit nonce per write, as GCM requires. */
function sealLocal(name: string, value: string): z.infer<typeof LocalSecretSchema> {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', localKey(), iv);
  cipher.setAAD(Buffer.from(name, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(value, 'utf8'), cipher.final()]);
  return { iv: iv.toString('base64'), ciphertext: ciphertext.toString('base64'), tag: cipher.getAuthTag().toString('base64') };
}

function openLocal(name: string, sealed: z.infer<typeof LocalSecretSchema>): string {
  const decipher = createDecipheriv('aes-256-gcm', localKey(), Buffer.from(sealed.iv, 'base64'));
  decipher.setAAD(Buffer.from(name, 'utf8'));
  decipher.setAuthTag(Buffer.from(sealed.tag, 'base64'));
  try {
    return Buffer.concat([decipher.update(Buffer.from(sealed.ciphertext, 'base64')), decipher.final()]).toString('utf8');
  } catch (error) {
    throw new Error(`secret "${name}" cannot be decrypted: LOCAL_SECRETS_KEY is not the key it was stored with`, { cause: error });
  }
}

/** Creates or replaces the secret `name`. */
export async function putSecret(name: string, value: string): Promise<void> {
  checkName(name);
  if (config.secrets.backend === 'local') {
    const item = { ...secretKey(name), ...sealLocal(name, value), updated_at: nowIso() };
    await dynamo.send(new PutCommand({ TableName: config.tables.helm, Item: item }));
    return;
  }
  try {
    await secretsManager().send(new PutSecretValueCommand({ SecretId: awsName(name), SecretString: value }));
  } catch (error) {
    if (!isNotFound(error)) throw error;
    await secretsManager().send(
      new CreateSecretCommand({ Name: awsName(name), SecretString: value, Description: 'control plane secret (see docs/helm-api.md)' }),
    );
  }
}

/** The secret's value, or undefined when there is none. */
export async function getSecret(name: string): Promise<string | undefined> {
  checkName(name);
  if (config.secrets.backend === 'local') {
    const { Item } = await dynamo.send(new GetCommand({ TableName: config.tables.helm, Key: secretKey(name), ConsistentRead: true }));
    return Item ? openLocal(name, LocalSecretSchema.parse(Item)) : undefined;
  }
  try {
    const { SecretString } = await secretsManager().send(new GetSecretValueCommand({ SecretId: awsName(name) }));
    return SecretString;
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

/**
 * Deletes the secret; nothing happens when there is none. In Secrets Manager the deletion skips the
 * recovery window, so the same name (a repository added again) can be created at once.
 */
export async function deleteSecret(name: string): Promise<void> {
  checkName(name);
  if (config.secrets.backend === 'local') {
    await dynamo.send(new DeleteCommand({ TableName: config.tables.helm, Key: secretKey(name) }));
    return;
  }
  try {
    await secretsManager().send(new DeleteSecretCommand({ SecretId: awsName(name), ForceDeleteWithoutRecovery: true }));
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
}
