import * as z from 'zod';
import { httpHandler } from '#shared/http.js';
import { NameSchema } from '#shared/validation.js';
import { RoleSchema, UserIdPathSchema, UserServiceSchema } from './user-schemas.js';
import { updateUser } from './users-service.js';

export const UpdateUserBodySchema = z
  .object({ name: NameSchema.optional(), role: RoleSchema.optional(), service: UserServiceSchema.optional(), rotate_token: z.boolean().optional() })
  .refine((b) => b.name !== undefined || b.role !== undefined || b.service !== undefined || b.rotate_token === true, {
    message: 'give at least one of name, role, service, rotate_token: true',
  });

/**
 * A rotated token is in the answer once; the previous token stops working immediately. Whether
 * `service` fits the role is checked against the user as it will be (a role change away from agent
 * drops the service).
 */
export const handler = httpHandler({ path: UserIdPathSchema, body: UpdateUserBodySchema }, async ({ path, body }) => {
  const { user, token } = await updateUser(path.id, body);
  return { data: token ? { ...user, token } : user };
});
