import * as z from 'zod';
import { ROLES } from '#shared/auth.js';
import { NameSchema } from '#shared/validation.js';
import { UserSchema as StoredUserSchema } from './users-store.js';

/** Request schemas shared by the `/admin/users` handlers. */
export const UserIdPathSchema = z.object({
  id: z
    .string()
    .min(1)
    .max(64)
    .regex(/^[a-z0-9-]+$/, 'is not a user id'),
});

export const RoleSchema = z.enum(ROLES, { message: `must be one of ${ROLES.join(', ')}` });

/** The one service an `agent` user's token may act for (a release-system service name). */
export const UserServiceSchema = NameSchema;

/** The message when `service` is missing for an agent or given for another role. */
export const SERVICE_RULE = 'is required when role is agent (the one service its token may act for) and not allowed for any other role';

/**
 * An `agent` token is bound to one service, and no other role has one: checks the pair a request
 * names, reporting the `service` field (a request that names only one of the two is checked against
 * the stored user in the service layer).
 */
export function checkServiceForRole(value: { role?: string | undefined; service?: string | undefined }, ctx: z.RefinementCtx): void {
  if (value.role === undefined) return;
  if ((value.role === 'agent') !== (value.service !== undefined)) ctx.addIssue({ code: 'custom', path: ['service'], message: SERVICE_RULE });
}

/** What the API shows of a user: the stored record without the token hash and the write version (as `UserView` in the service). */
export const UserSchema = StoredUserSchema.omit({ token_hash: true, version: true });
/** A user with its token, shown once: at creation and after a rotation. */
export const UserWithTokenSchema = UserSchema.extend({ token: z.string() });
/** An update answers the token only when it rotated it. */
export const UpdatedUserSchema = UserSchema.extend({ token: z.string().optional() });
export const UserListSchema = z.array(UserSchema);
/** helm-proxy.md pagination, beside `data`. */
export const PaginationSchema = z.object({
  pagination: z.object({ page: z.number().int(), page_size: z.number().int(), total: z.number().int(), total_page: z.number().int() }),
});
export const SystemInfoSchema = z.object({
  version: z.string(),
  kubernetes_version: z.string().nullable(),
  helm_version: z.string().nullable(),
  /** Why a version is null, by component. */
  unavailable: z.object({ helm: z.string().optional(), kubernetes: z.string().optional() }).optional(),
});
