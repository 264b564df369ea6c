import * as z from 'zod';
import { NotFoundError, ValidationError } from '#shared/errors.js';
import type { Scope } from './apps-service.js';
import { scopeOf } from './apps-service.js';
import { AppNameSchema, ProjectIdSchema } from './schemas.js';

/**
 * The two URL forms of one v3 app: `/v3/projects/{projectId}/app/{name}` (helm-proxy.md) and the
 * actionLinks form `/v3/project/{projectId}/apps/{appId}` with `appId` = `<projectId>:<name>`. One
 * handler serves both, so the path schema takes either parameter.
 */
export const V3AnyPathSchema = z.object({
  projectId: ProjectIdSchema,
  name: AppNameSchema.optional(),
  appId: z.string().min(1).max(200).optional(),
});

export function v3Target(path: z.infer<typeof V3AnyPathSchema>): { scope: Scope; name: string } {
  const scope = scopeOf(path.projectId);
  if (path.name !== undefined) return { scope, name: path.name };
  const prefix = `${path.projectId}:`;
  const name = path.appId?.startsWith(prefix) ? path.appId.slice(prefix.length) : undefined;
  if (!name || !AppNameSchema.safeParse(name).success)
    throw new NotFoundError(`app id ${path.appId ?? ''} is not "<projectId>:<name>" of project ${path.projectId}`);
  return { scope, name };
}

/**
 * A body that may be absent (a rollback to the previous revision, an action without options) or
 * whose schema depends on a query parameter: checked here, with the middleware's message format.
 */
export function parseOptionalBody<S extends z.ZodType>(schema: S, raw: unknown): z.infer<S> {
  const result = schema.safeParse(raw ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue?.path.map(String).join('.') ?? '';
  throw new ValidationError(`${field ? `${field}: ` : ''}${issue?.message ?? 'invalid body'}`, { field: field || 'body' });
}
