import * as z from 'zod';
import { singleLine } from '#shared/validation.js';
import { REPO_STATUSES, REPO_TYPES } from './store/repos.js';

/** Request and answer schemas of `/v1/repos` (helm-proxy.md §4). */

/** A DNS label, as Helm and Kubernetes names are: it can be used in a `catalog://` id and a secret's name. */
export const RepoNameSchema = z
  .string()
  .min(1, 'must not be empty')
  .max(63, 'must be at most 63 characters')
  .regex(/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/, 'must be a DNS label: lowercase letters, digits and "-", starting and ending with a letter or digit');

export const RepoNamePathSchema = z.object({ name: RepoNameSchema });

/**
 * A repository URL: `http(s)://host[:port][/path]` (a Helm HTTP repository, whose index is
 * `<url>/index.yaml`) or `oci://host[:port][/path]` (a registry namespace). Credentials inside the
 * URL are refused: they would be stored and shown with it.
 */
export const RepoUrlSchema = singleLine(z.string().min(1, 'must not be empty').max(2048, 'must be at most 2048 characters')).superRefine((value, ctx) => {
  const problem = urlProblem(value);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

function urlProblem(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'must be an absolute URL: http://, https:// or oci://host[:port]/path';
  }
  if (!['http:', 'https:', 'oci:'].includes(url.protocol)) return `scheme ${url.protocol.slice(0, -1)} is not supported: use http://, https:// or oci://`;
  if (!url.host) return 'must name a host';
  if (url.username || url.password) return 'must not contain credentials: give them as username and password instead';
  if (url.search || url.hash) return 'must not have a query string or fragment';
  if (url.protocol === 'oci:' && !/^(\/[a-z0-9]+([._-][a-z0-9]+)*)*\/?$/.test(url.pathname))
    return 'an oci:// path must be lowercase registry path components (a-z, 0-9, ".", "_", "-") separated by "/"';
  return undefined;
}

const UsernameSchema = singleLine(z.string().min(1, 'must not be empty').max(256, 'must be at most 256 characters'));
const PasswordSchema = singleLine(z.string().min(1, 'must not be empty').max(4096, 'must be at most 4096 characters'));

/** `username` and `password` come together or not at all. */
function checkCredentialPair(value: { username?: string | undefined; password?: string | undefined }, ctx: z.RefinementCtx): void {
  if ((value.username === undefined) !== (value.password === undefined)) {
    ctx.addIssue({ code: 'custom', path: [value.username === undefined ? 'username' : 'password'], message: 'username and password must be given together' });
  }
}

export const AddRepoBodySchema = z
  .object({
    name: RepoNameSchema,
    url: RepoUrlSchema,
    username: UsernameSchema.optional(),
    password: PasswordSchema.optional(),
    /** OCI only: talk to the registry over plain HTTP (helm's --plain-http). */
    plain_http: z.boolean().optional(),
  })
  .superRefine(checkCredentialPair);

export const UpdateRepoBodySchema = z
  .object({
    url: RepoUrlSchema.optional(),
    username: UsernameSchema.optional(),
    password: PasswordSchema.optional(),
    /** Forget the stored credentials. */
    remove_credentials: z.literal(true).optional(),
    plain_http: z.boolean().optional(),
  })
  .superRefine(checkCredentialPair)
  .refine((b) => Object.keys(b).length > 0, { message: 'give at least one of url, username and password, remove_credentials, plain_http' })
  .refine((b) => !(b.remove_credentials && b.username !== undefined), {
    path: ['remove_credentials'],
    message: 'give either new credentials or remove_credentials, not both',
  });

/** What the API shows of a repository: never its credentials, only whether it has some. */
export const RepoSchema = z.object({
  name: z.string(),
  url: z.string(),
  type: z.enum(REPO_TYPES),
  status: z.enum(REPO_STATUSES),
  message: z.string().optional().describe('why the last check failed (status error only)'),
  charts: z.number().int().optional().describe('charts in the index (HTTP repositories)'),
  has_credentials: z.boolean(),
  plain_http: z.boolean(),
  created_at: z.string(),
  updated_at: z.string(),
});
export const RepoListSchema = z.array(RepoSchema);
