import * as z from 'zod';
import { ROLES } from '#shared/auth.js';
import { NameSchema } from '#shared/validation.js';

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
