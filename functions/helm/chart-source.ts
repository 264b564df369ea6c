import { ValidationError } from '#shared/errors.js';
import { repoCredentials, requireRepo } from './repos-service.js';

/**
 * Where helm gets a chart from, as arguments for `helm install|upgrade|template|pull|show`:
 *
 * - HTTP repository: `<chart> --repo <url> --version <v>`, credentials as `--username --password
 *   --pass-credentials` (helm sends them to chart URLs on other hosts too, as an index may point there);
 * - OCI registry: `oci://host/path/<chart> --version <v>` (`--plain-http` when the repository says so),
 *   credentials as `--username --password`.
 *
 * Nothing is added to helm's repositories.yaml: each command names its source, so no state is kept
 * between Lambda invocations. `secretArgs` hold the credentials: pass them to helm, never to a log,
 * an error message or a state machine's input; `redact` takes them out of any text helm printed.
 */
export type ChartSource = Readonly<{ ref: string; args: string[]; secretArgs: string[] }>;

/** Chart names as Helm allows them (and never a flag). */
const CHART_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
/** A version or semver range (`6.5.4`, `^6.5`, `>=1.0.0 <2`): no leading `-`, no control characters. */
const VERSION = /^[A-Za-z0-9^~<>=*.][A-Za-z0-9^~<>=*.+_, |-]{0,99}$/;

/** Credentials handed out by `chartSource` in this container, so `redact` can find them in helm's output. */
const known = new Set<string>();
const MAX_KNOWN = 200;

function remember(...values: string[]): void {
  for (const value of values) {
    if (!value) continue;
    known.delete(value);
    known.add(value);
  }
  while (known.size > MAX_KNOWN) known.delete(known.values().next().value ?? '');
}

export async function chartSource(repoName: string, chart: string, version?: string): Promise<ChartSource> {
  if (!CHART_NAME.test(chart)) throw new ValidationError(`invalid chart name "${chart}": letters, digits, ".", "_" and "-", at most 100`, { field: 'chart' });
  if (version !== undefined && !VERSION.test(version)) throw new ValidationError(`invalid chart version "${version}"`, { field: 'version' });
  const repo = await requireRepo(repoName);
  const credentials = repo.has_credentials ? await repoCredentials(repoName) : undefined;
  if (repo.has_credentials && !credentials) {
    throw new ValidationError(`repository "${repoName}" has lost its credentials; set them again with PUT /v1/repos/${repoName}`, { field: 'repo' });
  }
  if (credentials) remember(credentials.password, `${credentials.username}:${credentials.password}`);
  const versionArgs = version === undefined ? [] : ['--version', version];
  if (repo.type === 'oci') {
    return {
      ref: `${repo.url}/${chart}`,
      args: [...versionArgs, ...(repo.plain_http ? ['--plain-http'] : [])],
      secretArgs: credentials ? ['--username', credentials.username, '--password', credentials.password] : [],
    };
  }
  return {
    ref: chart,
    args: ['--repo', repo.url, ...versionArgs],
    secretArgs: credentials ? ['--username', credentials.username, '--password', credentials.password, '--pass-credentials'] : [],
  };
}

const escape = (value: string) => value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * `text` with every credential this container handed out (and any `extra` secret) replaced by
 * `***`, plus the shapes a credential can take in a command line or URL (`--password x`,
 * `https://user:pass@host`) — for helm's stderr before it goes into an error, a log or an answer.
 */
export function redact(text: string, extra: readonly string[] = []): string {
  let out = text;
  const secrets = [...known, ...extra].filter(Boolean).sort((a, b) => b.length - a.length);
  for (const secret of secrets) out = out.replace(new RegExp(escape(secret), 'g'), '***');
  out = out.replace(/(--password[= ])\S+/g, '$1***');
  out = out.replace(/(\b[a-z][a-z0-9+.-]*:\/\/)[^/\s:@]+:[^/\s@]+@/gi, '$1***@');
  return out;
}
