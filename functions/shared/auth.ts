import { createHash, randomBytes } from 'node:crypto';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import type { Role } from '#functions/routes.js';
import { ROLES } from '#functions/routes.js';
import { config } from './config.js';
import { dynamo } from './dynamo.js';

/**
 * Bearer tokens. A token is shown once, at creation or rotation; only its SHA-256 is stored, as the
 * key of a token item in the platform table:
 *
 *   pk = TOKEN#<sha256 hex>   sk = TOKEN   → user_id, role
 *
 * Authentication is then one GetItem by key, whatever the number of users. (Tokens carry 256 bits
 * of randomness, so an unsalted fast hash is enough: there is nothing to brute-force.)
 */
export const TOKEN_PREFIX = 'cpt_';

export type Caller = Readonly<{ userId: string; role: Role }>;

export function generateToken(): string {
  return TOKEN_PREFIX + randomBytes(32).toString('base64url');
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function tokenKey(hash: string): { pk: string; sk: string } {
  return { pk: `TOKEN#${hash}`, sk: 'TOKEN' };
}

const TokenItemSchema = z.object({ user_id: z.string(), role: z.enum(ROLES) });

/** Reads the `Authorization: Bearer` header; undefined when absent or malformed. */
export function bearerToken(headers: Record<string, string | undefined> | null): string | undefined {
  const value = Object.entries(headers ?? {}).find(([name]) => name.toLowerCase() === 'authorization')?.[1];
  const match = /^Bearer\s+(\S{1,512})$/i.exec(value?.trim() ?? '');
  return match?.[1];
}

/** The caller a token belongs to, or undefined when the token is unknown. */
export async function callerForToken(token: string): Promise<Caller | undefined> {
  const { Item } = await dynamo.send(new GetCommand({ TableName: config.tables.platform, Key: tokenKey(hashToken(token)), ConsistentRead: true }));
  if (!Item) return undefined;
  const parsed = TokenItemSchema.parse(Item);
  return { userId: parsed.user_id, role: parsed.role };
}
