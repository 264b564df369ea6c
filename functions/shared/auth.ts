import { hash, randomBytes } from 'node:crypto';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { config } from './config.js';
import { onContainerReset } from './container-state.js';
import { dynamo } from './dynamo.js';
import { headerValue } from './headers.js';

/**
 * Bearer tokens. A token is shown once, at creation or rotation; only its SHA-256 is stored, as the
 * key of a token item in the platform table:
 *
 *   pk = TOKEN#<sha256 hex>   sk = TOKEN   → user_id, role, service (agent tokens only)
 *
 * Authentication is then one GetItem by key, whatever the number of users. (Tokens carry 256 bits
 * of randomness, so an unsalted fast hash is enough: there is nothing to brute-force.)
 */
export const ROLES = ['admin', 'operator', 'viewer', 'config-client', 'agent'] as const;
export type Role = (typeof ROLES)[number];

/**
 * Who may call a route. `public` needs no token; otherwise the caller's role must allow the one
 * named (see `allows`).
 */
export type Access = 'public' | Role;

/**
 * The chain CONTRACTS.md describes: admin ⊃ operator ⊃ viewer ⊃ config-client. `agent` is on no
 * chain: a deploy agent's token runs on every instance, so it may call the agent routes and nothing
 * else (not even reads), and only `admin` (which may call everything) shares those routes with it.
 */
const CHAIN_RANK = { 'config-client': 0, viewer: 1, operator: 2, admin: 3 } as const satisfies Partial<Record<Role, number>>;

/** Whether a caller with `role` may use a route that requires `access`. */
export function allows(access: Access, role: Role | undefined): boolean {
  if (access === 'public') return true;
  if (role === undefined) return false;
  if (role === 'admin') return true;
  if (access === 'agent' || role === 'agent') return access === role;
  return CHAIN_RANK[role] >= CHAIN_RANK[access];
}

/** Why `role` may not use a route that requires `access`, in words a person can act on. */
export function refusal(access: Exclude<Access, 'public'>, role: Role): string {
  if (role === 'agent') return 'an agent token may call only the /v1/agent/* routes';
  if (access === 'agent') return 'only agent tokens (and admin) may call the deploy agent routes; create a user with role agent for the agent';
  return `it needs ${access} or higher`;
}

export const TOKEN_PREFIX = 'cpt_';

/** An authenticated caller; `service` is the one service an `agent` token is bound to. */
export type Caller = Readonly<{ userId: string; role: Role; service?: string }>;

export function generateToken(): string {
  return TOKEN_PREFIX + randomBytes(32).toString('base64url');
}

export function hashToken(token: string): string {
  // The one-shot digest: no Hash object per request (every authenticated request hashes its token).
  return hash('sha256', token, 'hex');
}

export function tokenKey(hash: string): { pk: string; sk: string } {
  return { pk: `TOKEN#${hash}`, sk: 'TOKEN' };
}

const TokenItemSchema = z.object({ user_id: z.string(), role: z.enum(ROLES), service: z.string().optional() });

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
onContainerReset('token cache', () => known.clear());

/** Forgets a token hash (after its user changed), so this process re-reads it on the next use. */
export function forgetToken(hash: string): void {
  known.delete(hash);
}

/** The caller a token belongs to, or undefined when the token is unknown. */
export async function callerForToken(token: string): Promise<Caller | undefined> {
  return callerForTokenHash(hashToken(token));
}

/** The caller whose token has this hash (a push connection keeps the hash, never the token). */
export async function callerForTokenHash(hash: string): Promise<Caller | undefined> {
  const cached = known.get(hash);
  if (cached && cached.until > Date.now()) return cached.caller;
  const { Item } = await dynamo.send(new GetCommand({ TableName: config.tables.platform, Key: tokenKey(hash), ConsistentRead: true }));
  if (!Item) {
    known.delete(hash);
    return undefined;
  }
  const parsed = TokenItemSchema.parse(Item);
  const caller: Caller = { userId: parsed.user_id, role: parsed.role, ...(parsed.service === undefined ? {} : { service: parsed.service }) };
  if (config.authCacheSeconds > 0) {
    if (known.size > 10_000) known.clear();
    known.set(hash, { caller, until: Date.now() + config.authCacheSeconds * 1000 });
  }
  return caller;
}
