import { parse } from 'yaml';

/**
 * Checks that a repository answers as a chart repository, with the credentials it will be used
 * with. The reason of a failure is shown to the user (the repository's `message`), so it names the
 * URL and what went wrong, and never a credential: credentials travel only in headers.
 */
export type RepoCredentials = Readonly<{ username: string; password: string }>;

export type RepoTarget = Readonly<{ type: 'http' | 'oci'; url: string; plainHttp: boolean; credentials: RepoCredentials | undefined }>;

export type RepoCheck = { status: 'active'; charts?: number } | { status: 'error'; message: string };

/** Per request; a check makes at most three (OCI: ping, token, ping with the token), inside the API's 29 s. */
const TIMEOUT_MS = 8_000;
/** Large public indexes are tens of MiB; past this the repository is refused rather than the function running out of memory. */
const MAX_INDEX_BYTES = 64 * 1024 * 1024;

class CheckFailed extends Error {
  override name = 'CheckFailed';
}

const basic = (c: RepoCredentials) => `Basic ${Buffer.from(`${c.username}:${c.password}`).toString('base64')}`;

/** Why a fetch threw, in a few words: a timeout, or the network error's own code and message. */
function networkReason(error: unknown): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) return `no answer within ${TIMEOUT_MS / 1000} s`;
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  const message = cause instanceof Error ? cause.message : String(cause);
  // fetch refuses ports such as 1, 9 and 6000 outright (https://fetch.spec.whatwg.org/#bad-port).
  return message === 'bad port' ? "the port is one fetch refuses to connect to (the Fetch standard's bad ports); use another port" : message;
}

async function get(url: string, headers: Record<string, string> = {}): Promise<Response> {
  try {
    return await fetch(url, { headers: { 'user-agent': 'control-plane-repo-check', ...headers }, signal: AbortSignal.timeout(TIMEOUT_MS) });
  } catch (error) {
    throw new CheckFailed(`GET ${url} failed: ${networkReason(error)}`);
  }
}

/** The body as text, refusing one over `MAX_INDEX_BYTES` without reading it all. */
async function boundedText(response: Response, url: string): Promise<string> {
  if (Number(response.headers.get('content-length') ?? 0) > MAX_INDEX_BYTES) throw new CheckFailed(`${url} is larger than ${MAX_INDEX_BYTES} bytes`);
  const chunks: Uint8Array[] = [];
  let size = 0;
  // undici types the body as ReadableStream<any>; a fetch body is bytes.
  const reader = (response.body as ReadableStream<Uint8Array> | null)?.getReader();
  try {
    for (let next = await reader?.read(); next && !next.done; next = await reader?.read()) {
      size += next.value.length;
      if (size > MAX_INDEX_BYTES) throw new CheckFailed(`${url} is larger than ${MAX_INDEX_BYTES} bytes`);
      chunks.push(next.value);
    }
  } catch (error) {
    await reader?.cancel().catch(() => undefined);
    if (error instanceof CheckFailed) throw error;
    throw new CheckFailed(`reading ${url} failed: ${networkReason(error)}`);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function refused(url: string, status: number, credentials: RepoCredentials | undefined): CheckFailed {
  return new CheckFailed(
    credentials
      ? `${url} refused the credentials (HTTP ${status}); fix username and password with PUT /v1/repos/{name}`
      : `${url} needs credentials (HTTP ${status}); give username and password with PUT /v1/repos/{name}`,
  );
}

/** HTTP(S): `<url>/index.yaml` must be a Helm repository index (`apiVersion: v1` and `entries`). */
async function checkHttp(target: RepoTarget): Promise<RepoCheck> {
  const url = `${target.url}/index.yaml`;
  const response = await get(url, target.credentials ? { authorization: basic(target.credentials) } : {});
  if (response.status === 401 || response.status === 403) throw refused(url, response.status, target.credentials);
  if (!response.ok) throw new CheckFailed(`GET ${url} answered HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`);
  let index: unknown;
  try {
    index = parse(await boundedText(response, url));
  } catch (error) {
    if (error instanceof CheckFailed) throw error;
    throw new CheckFailed(`${url} is not YAML: ${(error instanceof Error ? error.message : String(error)).split('\n')[0]}`);
  }
  if (typeof index !== 'object' || index === null) throw new CheckFailed(`${url} is not a Helm repository index (not a YAML mapping)`);
  const { apiVersion, entries } = index as { apiVersion?: unknown; entries?: unknown };
  if (apiVersion !== 'v1') throw new CheckFailed(`${url} is not a Helm repository index: apiVersion is ${JSON.stringify(apiVersion ?? null)}, expected "v1"`);
  if (typeof entries !== 'object' || entries === null || Array.isArray(entries))
    throw new CheckFailed(`${url} is not a Helm repository index: it has no "entries" mapping`);
  return { status: 'active', charts: Object.keys(entries).length };
}

/** `Bearer realm="…",service="…"` → its parameters; undefined for anything else. */
function bearerChallenge(header: string | null): Record<string, string> | undefined {
  if (!header || !/^bearer\s/i.test(header)) return undefined;
  return Object.fromEntries([...header.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1]!.toLowerCase(), m[2]!]));
}

/**
 * OCI: the registry's `/v2/` (the Distribution API's version check) must answer 200, with the
 * credentials when it asks for some: Basic directly, or Bearer through the token endpoint it names
 * (Docker Hub, GHCR, Harbor). There is no chart count: registries do not list a namespace's charts.
 */
async function checkOci(target: RepoTarget): Promise<RepoCheck> {
  const host = target.url.slice('oci://'.length).split('/')[0] ?? '';
  const ping = `${target.plainHttp ? 'http' : 'https'}://${host}/v2/`;
  const first = await get(ping);
  if (first.ok) return { status: 'active' };
  if (first.status !== 401) throw new CheckFailed(`GET ${ping} answered HTTP ${first.status}: not an OCI registry?`);
  const challenge = first.headers.get('www-authenticate');
  const bearer = bearerChallenge(challenge);
  if (!bearer) {
    if (!target.credentials) throw refused(ping, 401, undefined);
    const second = await get(ping, { authorization: basic(target.credentials) });
    if (second.ok) return { status: 'active' };
    throw refused(ping, second.status, target.credentials);
  }
  if (!bearer.realm) throw new CheckFailed(`${ping} asked for a bearer token without naming its token service`);
  const tokenUrl = new URL(bearer.realm);
  if (bearer.service) tokenUrl.searchParams.set('service', bearer.service);
  const tokenReply = await get(tokenUrl.href, target.credentials ? { authorization: basic(target.credentials) } : {});
  if (tokenReply.status === 401 || tokenReply.status === 403) throw refused(tokenUrl.origin + tokenUrl.pathname, tokenReply.status, target.credentials);
  if (!tokenReply.ok) throw new CheckFailed(`the registry's token service ${tokenUrl.origin}${tokenUrl.pathname} answered HTTP ${tokenReply.status}`);
  const body = (await tokenReply.json().catch(() => ({}))) as { token?: unknown; access_token?: unknown };
  const token = typeof body.token === 'string' ? body.token : typeof body.access_token === 'string' ? body.access_token : undefined;
  if (!token) throw new CheckFailed(`the registry's token service ${tokenUrl.origin}${tokenUrl.pathname} gave no token`);
  const second = await get(ping, { authorization: `Bearer ${token}` });
  if (second.ok) return { status: 'active' };
  throw refused(ping, second.status, target.credentials);
}

/** Checks the repository; a failure is a result (`status: 'error'` with the reason), not an exception. */
export async function checkRepository(target: RepoTarget): Promise<RepoCheck> {
  try {
    return target.type === 'http' ? await checkHttp(target) : await checkOci(target);
  } catch (error) {
    if (error instanceof CheckFailed) return { status: 'error', message: error.message };
    throw error;
  }
}
