import { createHash, randomBytes } from 'node:crypto';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { config } from './config.js';
import { dynamo } from './dynamo.js';
import { headerValue } from './headers.js';

/**
 * Bearer tokens. A token is shown once, at creation or rotation; only its SHA-256 is stored, as the
 * key of a token item in the platform table:
 *
 *   pk = TOKEN#<sha256 hex>   sk = TOKEN   → user_id, role
 *
 * Authentication is then one GetItem by key, whatever the number of users. (Tokens carry 256 bits
 * of randomness, so an unsalted fast hash is enough: there is nothing to brute-force.)
 */
export const ROLES = ['admin', 'operator', 'viewer', 'config-client'] as const;
export type Role = (typeof ROLES)[number];

/**
 * Who may call a route. `public` needs no token; otherwise the caller's role must be at least the
 * one named (CONTRACTS.md: admin ⊃ operator ⊃ viewer ⊃ config-client for the routes each may use).
 */
export type Access = 'public' | Role;

const ROLE_RANK: Record<Role, number> = { 'config-client': 0, viewer: 1, operator: 2, admin: 3 };

/** Whether a caller with `role` may use a route that requires `access`. */
export function allows(access: Access, role: Role | undefined): boolean {
  if (access === 'public') return true;
  if (role === undefined) return false;
  return ROLE_RANK[role] >= ROLE_RANK[access];
}

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
  const value = headerValue(headers, 'authorization');
  const match = /^Bearer\s+(\S{1,512})$/i.exec(value?.trim() ?? '');
  return match?.[1];
}

/**
 * Known tokens, remembered for `AUTH_CACHE_SECONDS` (default 5) per container: agents and config
 * clients call many times a second, and each check is otherwise a strongly consistent read. A
 * rotated, demoted or deleted token is forgotten at once in the process that changed it, and within
 * that many seconds everywhere else. Unknown tokens are never cached.
 */
const known = new Map<string, { caller: Caller; until: number }>();

/** Forgets a token hash (after its user changed), so this process re-reads it on the next use. */
export function forgetToken(hash: string): void {
  known.delete(hash);
}

/** The caller a token belongs to, or undefined when the token is unknown. */
export async function callerForToken(token: string): Promise<Caller | undefined> {
  const hash = hashToken(token);
  const cached = known.get(hash);
  if (cached && cached.until > Date.now()) return cached.caller;
  const { Item } = await dynamo.send(new GetCommand({ TableName: config.tables.platform, Key: tokenKey(hash), ConsistentRead: true }));
  if (!Item) {
    known.delete(hash);
    return undefined;
  }
  const parsed = TokenItemSchema.parse(Item);
  const caller = { userId: parsed.user_id, role: parsed.role };
  if (config.authCacheSeconds > 0) {
    if (known.size > 10_000) known.clear();
    known.set(hash, { caller, until: Date.now() + config.authCacheSeconds * 1000 });
  }
  return caller;
}
