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

/** What bootstrapping did, so the caller can say it exactly (the start-up line, the custom resource's reason). */
export type BootstrapOutcome =
  | { kind: 'generated'; user: string; token: string }
  | { kind: 'admin-exists' }
  | { kind: 'token-already-admin'; user: string }
  | { kind: 'token-added'; user: string };

/** The name of the admin a given token is added as: stable, so a restart with the same token finds it. */
export const envAdminName = (token: string) => `admin-env-${hashToken(token).slice(0, 8)}`;

/**
 * Makes sure someone can administer the installation, and never invalidates a token someone holds.
 * With `token` (ADMIN_TOKEN locally, the generated secret in AWS) that token is made a valid admin
 * token: if it already is, nothing changes; otherwise it is added as a new admin user (`admin` on a
 * fresh installation, `admin-env-<8 hex of its hash>` when an admin exists) and no other user or
 * token is touched. A token that belongs to a non-admin user is refused rather than promoted.
 * Without `token`, an admin named `admin` is created with a new token only when no admin exists.
 */
export async function bootstrapAdmin(token: string | undefined): Promise<BootstrapOutcome> {
  if (!token) {
    if ((await store.countAdmins()) > 0) return { kind: 'admin-exists' };
    const created = await createUser({ name: 'admin', role: 'admin' });
    return { kind: 'generated', user: created.user.name, token: created.token };
  }
  const holder = await callerForToken(token);
  if (holder) {
    const user = await store.getUser(holder.userId);
    if (holder.role !== 'admin')
      throw new ConflictError(`the admin token belongs to user ${user?.name ?? holder.userId} (role ${holder.role}); choose another token`);
    return { kind: 'token-already-admin', user: user?.name ?? holder.userId };
  }
  const name = (await store.countAdmins()) === 0 ? 'admin' : envAdminName(token);
  try {
    const created = await createUser({ name, role: 'admin', token });
    return { kind: 'token-added', user: created.user.name };
  } catch (error) {
    // A user named `admin` that is not an admin (renamed roles, a fresh install with leftovers): use the token's own name.
    if (!(error instanceof ConflictError) || name === envAdminName(token)) throw error;
    const created = await createUser({ name: envAdminName(token), role: 'admin', token });
    return { kind: 'token-added', user: created.user.name };
  }
}

/** One line that says exactly what bootstrapping did (never the token). */
export function describeBootstrap(outcome: BootstrapOutcome): string {
  switch (outcome.kind) {
    case 'generated':
      return `first admin created (user ${outcome.user})`;
    case 'admin-exists':
      return 'an admin already exists; existing tokens unchanged';
    case 'token-already-admin':
      return `ADMIN_TOKEN: already an admin token (user ${outcome.user})`;
    case 'token-added':
      return `ADMIN_TOKEN: added as admin user ${outcome.user}; existing tokens unchanged`;
  }
}
