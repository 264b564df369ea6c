import type { Role } from '#shared/auth.js';
import { callerForToken, generateToken, hashToken } from '#shared/auth.js';
import { ConflictError, NotFoundError, ValidationError } from '#shared/errors.js';
import { newId, nowIso } from '#shared/ids.js';
import { LastAdminError, UserChangedError } from './errors.js';
import { SERVICE_RULE } from './user-schemas.js';
import type { User, WriteOutcome } from './users-store.js';
import * as store from './users-store.js';

/** What the API shows of a user: never the token or its hash. */
export type UserView = Omit<User, 'token_hash' | 'version'>;

export function viewOf(user: User): UserView {
  const { token_hash: _hash, version: _version, ...view } = user;
  return view;
}

/** The last characters of a token, so a person can tell tokens apart without the token. */
const hintOf = (token: string) => `…${token.slice(-4)}`;

function fail(outcome: Exclude<WriteOutcome, 'ok'>, user: Pick<User, 'id' | 'name'>, action: 'delete' | 'demote'): never {
  switch (outcome) {
    case 'name-taken':
      throw new ConflictError(`a user named ${user.name} already exists`);
    case 'last-admin':
      throw new LastAdminError(action);
    case 'changed':
      throw new UserChangedError(user.id);
    case 'token-exists':
      throw new ConflictError('that token is already in use');
  }
}

export async function listUsers(): Promise<UserView[]> {
  const users = await store.listUsers();
  return users.map(viewOf).sort((a, b) => a.created_at.localeCompare(b.created_at) || a.id.localeCompare(b.id));
}

export async function getUser(id: string): Promise<UserView> {
  const user = await store.getUser(id);
  if (!user) throw new NotFoundError(`user ${id} not found`);
  return viewOf(user);
}

/** An `agent` user names exactly one service; no other role names one (400 on `service` otherwise). */
function checkService(role: Role, service: string | undefined): void {
  if ((role === 'agent') !== (service !== undefined))
    throw new ValidationError(`invalid body field "service": ${SERVICE_RULE}`, { field: 'service', details: [{ field: 'service', message: SERVICE_RULE }] });
}

/** Creates a user; the token is returned here and never again. */
export async function createUser(input: {
  name: string;
  role: Role;
  service?: string | undefined;
  token?: string;
}): Promise<{ user: UserView; token: string }> {
  checkService(input.role, input.service);
  const token = input.token ?? generateToken();
  const now = nowIso();
  const user: User = {
    id: newId('usr'),
    name: input.name,
    role: input.role,
    ...(input.service === undefined ? {} : { service: input.service }),
    token_hash: hashToken(token),
    token_hint: hintOf(token),
    created_at: now,
    updated_at: now,
    version: 1,
  };
  const outcome = await store.insertUser(user);
  if (outcome !== 'ok') fail(outcome, user, 'demote');
  return { user: viewOf(user), token };
}

export type UserChange = { name?: string | undefined; role?: Role | undefined; service?: string | undefined; rotate_token?: boolean | undefined };

/** The service the user has after `change`: a new role other than agent drops it. */
function serviceAfter(before: User, change: UserChange): string | undefined {
  const role = change.role ?? before.role;
  if (change.service !== undefined) return change.service;
  return role === 'agent' ? before.service : undefined;
}

/**
 * Renames, changes the role (and an agent's service) of, and/or rotates the token of a user. A rotated token is returned
 * once; the old one stops working at once. Retries a few times when a concurrent change wins.
 */
export async function updateUser(id: string, change: UserChange): Promise<{ user: UserView; token?: string }> {
  for (let attempt = 0; ; attempt += 1) {
    const before = await store.getUser(id);
    if (!before) throw new NotFoundError(`user ${id} not found`);
    const role = change.role ?? before.role;
    const service = serviceAfter(before, change);
    checkService(role, service);
    const token = change.rotate_token ? generateToken() : undefined;
    const { service: _service, ...rest } = before;
    const after: User = {
      ...rest,
      name: change.name ?? before.name,
      role,
      ...(service === undefined ? {} : { service }),
      ...(token ? { token_hash: hashToken(token), token_hint: hintOf(token) } : {}),
      updated_at: nowIso(),
      version: before.version + 1,
    };
    const outcome = await store.replaceUser(before, after);
    if (outcome === 'ok') return { user: viewOf(after), ...(token ? { token } : {}) };
    if (outcome !== 'changed' || attempt >= 3) fail(outcome, after, 'demote');
  }
}

export async function deleteUser(id: string): Promise<UserView> {
  for (let attempt = 0; ; attempt += 1) {
    const user = await store.getUser(id);
    if (!user) throw new NotFoundError(`user ${id} not found`);
    const outcome = await store.removeUser(user);
    if (outcome === 'ok') return viewOf(user);
    if (outcome !== 'changed' || attempt >= 3) fail(outcome, user, 'delete');
  }
}

/**
 * Makes sure someone can administer a fresh installation. With `token` (ADMIN_TOKEN locally, the
 * generated secret in AWS) that token is made to belong to an admin; without it, an admin named
 * `admin` is created with a new token only when no admin exists. Returns the token when one was
 * generated, so the caller can show it once.
 */
export async function bootstrapAdmin(token: string | undefined): Promise<{ generated?: string }> {
  if (token) {
    if (await callerForToken(token)) return {};
    const existing = (await store.listUsers()).find((u) => u.name === 'admin');
    if (existing) {
      const after: User = {
        ...existing,
        role: 'admin',
        token_hash: hashToken(token),
        token_hint: hintOf(token),
        updated_at: nowIso(),
        version: existing.version + 1,
      };
      const outcome = await store.replaceUser(existing, after);
      if (outcome !== 'ok') fail(outcome, existing, 'demote');
      return {};
    }
    await createUser({ name: 'admin', role: 'admin', token });
    return {};
  }
  if ((await store.countAdmins()) > 0) return {};
  const created = await createUser({ name: 'admin', role: 'admin' });
  return { generated: created.token };
}
