import * as z from 'zod';
import { ROLES } from '#shared/auth.js';

/** Request schemas shared by the `/admin/users` handlers. */
export const UserIdPathSchema = z.object({
  id: z
    .string()
    .min(1)
    .max(64)
    .regex(/^[a-z0-9-]+$/, 'is not a user id'),
});

export const RoleSchema = z.enum(ROLES, { message: `must be one of ${ROLES.join(', ')}` });
