import * as z from 'zod';
import { ConflictError, NotFoundError, ValidationError } from '#shared/errors.js';
import { nowIso } from '#shared/ids.js';
import { REPO_SECRETS_PATH } from '#shared/secret-names.js';
import { deleteSecret, getSecret, putSecret } from '#shared/secrets.js';
import type { RepoCheck, RepoCredentials } from './repo-check.js';
import { checkRepository } from './repo-check.js';
import type { RepoRecord } from './store/repos.js';
import * as store from './store/repos.js';

/**
 * Chart repositories (`/v1/repos`): HTTP(S) Helm repositories and `oci://` registries. Adding,
 * changing and refreshing a repository checks it at once; a repository that fails the check is
 * still stored, with `status: error` and the reason in `message`, so the user can fix it with PUT
 * (or refresh once the server is back). Credentials go to the secrets store, never into the item,
 * an answer, a log line or an error message.
 */
export type RepoView = Omit<RepoRecord, 'version'>;

/** The repository as the API shows it, fields always in the same order. */
export function viewOf(repo: RepoRecord): RepoView {
  return {
    name: repo.name,
    url: repo.url,
    type: repo.type,
    status: repo.status,
    ...(repo.message === undefined ? {} : { message: repo.message }),
    ...(repo.charts === undefined ? {} : { charts: repo.charts }),
    has_credentials: repo.has_credentials,
    plain_http: repo.plain_http,
    created_at: repo.created_at,
    updated_at: repo.updated_at,
  };
}

const secretName = (name: string) => `${REPO_SECRETS_PATH}${name}`;
const CredentialsSchema = z.object({ username: z.string(), password: z.string() });

const notFound = (name: string) => new NotFoundError(`repository "${name}" not found; add it with POST /v1/repos`);

/** `oci://…` is a registry, anything else (http, https) a Helm HTTP repository. */
const typeOf = (url: string): RepoRecord['type'] => (url.startsWith('oci://') ? 'oci' : 'http');
/** Trailing slashes dropped: the index is `<url>/index.yaml` and an OCI chart `<url>/<chart>`. */
const normalise = (url: string) => url.replace(/\/+$/, '');

function checkPlainHttp(type: RepoRecord['type'], plainHttp: boolean | undefined): void {
  if (type === 'http' && plainHttp) {
    throw new ValidationError('invalid body field "plain_http": applies to oci:// repositories only (an http:// URL is already plain HTTP)', {
      field: 'plain_http',
    });
  }
}

/** The repository's stored credentials, or undefined when it has none. */
export async function repoCredentials(name: string): Promise<RepoCredentials | undefined> {
  const stored = await getSecret(secretName(name));
  return stored === undefined ? undefined : CredentialsSchema.parse(JSON.parse(stored));
}

/** The stored repository, or a 404 naming it. */
export async function requireRepo(name: string): Promise<RepoRecord> {
  const repo = await store.getRepo(name);
  if (!repo) throw notFound(name);
  return repo;
}

/** The fields a check decides. */
function checked(result: RepoCheck): Pick<RepoRecord, 'status' | 'message' | 'charts'> {
  return result.status === 'active' ? { status: 'active', ...(result.charts === undefined ? {} : { charts: result.charts }) } : result;
}

export async function listRepos(): Promise<RepoView[]> {
  return (await store.listRepos()).map(viewOf);
}

export async function getRepo(name: string): Promise<RepoView> {
  return viewOf(await requireRepo(name));
}

export type NewRepo = { name: string; url: string; username?: string | undefined; password?: string | undefined; plain_http?: boolean | undefined };

/** Adds a repository, checked at once; a failed check is stored as `status: error` with the reason. */
export async function addRepo(input: NewRepo): Promise<RepoView> {
  const exists = () => new ConflictError(`repository "${input.name}" already exists; change it with PUT /v1/repos/${input.name}`);
  // Before the check, which may take seconds against a slow server.
  if (await store.getRepo(input.name)) throw exists();
  const url = normalise(input.url);
  const type = typeOf(url);
  checkPlainHttp(type, input.plain_http);
  const credentials = input.username !== undefined && input.password !== undefined ? { username: input.username, password: input.password } : undefined;
  const plainHttp = input.plain_http ?? false;
  const result = await checkRepository({ type, url, plainHttp, credentials });
  const now = nowIso();
  const repo: RepoRecord = {
    name: input.name,
    url,
    type,
    ...checked(result),
    has_credentials: credentials !== undefined,
    plain_http: plainHttp,
    created_at: now,
    updated_at: now,
    version: 1,
  };
  if ((await store.insertRepo(repo)) === 'exists') throw exists();
  if (credentials) {
    try {
      await putSecret(secretName(repo.name), JSON.stringify(credentials));
    } catch (error) {
      // A repository that says it has credentials it does not have would fail every install.
      await store.removeRepo(repo.name);
      throw error;
    }
  }
  return viewOf(repo);
}

export type RepoChange = {
  url?: string | undefined;
  username?: string | undefined;
  password?: string | undefined;
  remove_credentials?: true | undefined;
  plain_http?: boolean | undefined;
};

/** Changes the URL and/or credentials (or `plain_http`), and checks the repository as it will be. */
export async function updateRepo(name: string, change: RepoChange): Promise<RepoView> {
  const before = await requireRepo(name);
  const url = change.url === undefined ? before.url : normalise(change.url);
  const type = typeOf(url);
  checkPlainHttp(type, change.plain_http);
  // Moving between http and oci drops a plain_http that no longer applies.
  const plainHttp = type === 'http' ? false : (change.plain_http ?? (before.type === 'oci' ? before.plain_http : false));
  const replaced = change.username !== undefined && change.password !== undefined ? { username: change.username, password: change.password } : undefined;
  const credentials = replaced ?? (change.remove_credentials || !before.has_credentials ? undefined : await repoCredentials(name));
  const result = await checkRepository({ type, url, plainHttp, credentials });
  const { message: _message, charts: _charts, ...kept } = before;
  const after: RepoRecord = {
    ...kept,
    url,
    type,
    ...checked(result),
    has_credentials: credentials !== undefined,
    plain_http: plainHttp,
    updated_at: nowIso(),
    version: before.version + 1,
  };
  if ((await store.replaceRepo(after, before.version)) === 'changed') {
    throw new ConflictError(`repository "${name}" was changed or deleted by another request; read it again and retry`);
  }
  if (replaced) await putSecret(secretName(name), JSON.stringify(replaced));
  else if (change.remove_credentials && before.has_credentials) await deleteSecret(secretName(name));
  return viewOf(after);
}

/** Deletes a repository and its credentials. Apps installed from it keep running. */
export async function removeRepo(name: string): Promise<RepoView> {
  const removed = await store.removeRepo(name);
  if (!removed) throw notFound(name);
  // Always: also cleans up credentials a failed write may have left behind.
  await deleteSecret(secretName(name));
  return viewOf(removed);
}

/** Fetches and validates the index (or pings the registry) again, and records `active` or `error` with the reason. */
export async function refreshRepo(name: string): Promise<RepoView> {
  for (let attempt = 0; ; attempt += 1) {
    const before = await requireRepo(name);
    const credentials = before.has_credentials ? await repoCredentials(name) : undefined;
    const result = await checkRepository({ type: before.type, url: before.url, plainHttp: before.plain_http, credentials });
    const { message: _message, charts: _charts, ...kept } = before;
    const after: RepoRecord = { ...kept, ...checked(result), updated_at: nowIso(), version: before.version + 1 };
    if ((await store.replaceRepo(after, before.version)) === 'ok') return viewOf(after);
    // Another refresh or update came first: check what is there now, once.
    if (attempt >= 1) throw new ConflictError(`repository "${name}" is being changed by another request; retry`);
  }
}

/**
 * Registers the local runtime's own chart repository (`myrepo`, served at `/local/charts`) when it
 * is absent, as `active` with its chart count (the gateway is not answering yet, so it cannot be
 * fetched). When it exists with a `/local/charts` URL, it is brought up to date (the port, the chart
 * count, status `active`); a repository of that name that a user pointed elsewhere is left alone.
 */
export async function registerLocalRepository(name: string, url: string, charts: number): Promise<'added' | 'updated' | 'kept'> {
  const now = nowIso();
  const existing = await store.getRepo(name);
  if (!existing) {
    const repo: RepoRecord = {
      name,
      url,
      type: 'http',
      status: 'active',
      charts,
      has_credentials: false,
      plain_http: false,
      created_at: now,
      updated_at: now,
      version: 1,
    };
    return (await store.insertRepo(repo)) === 'ok' ? 'added' : 'kept';
  }
  const ours = existing.url.endsWith('/local/charts') && !existing.has_credentials;
  if (!ours || (existing.url === url && existing.status === 'active' && existing.charts === charts)) return 'kept';
  const { message: _message, ...kept } = existing;
  const outcome = await store.replaceRepo({ ...kept, url, status: 'active', charts, updated_at: now, version: existing.version + 1 }, existing.version);
  return outcome === 'ok' ? 'updated' : 'kept';
}
