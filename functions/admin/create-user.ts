import * as z from 'zod';
import { httpHandler } from '#shared/http.js';
import { NameSchema } from '#shared/validation.js';
import { checkServiceForRole, RoleSchema, UserServiceSchema } from './user-schemas.js';
import { createUser } from './users-service.js';

/** `service` binds an `agent` user's token to one service; it is required for agents and refused for other roles. */
export const CreateUserBodySchema = z.object({ name: NameSchema, role: RoleSchema, service: UserServiceSchema.optional() }).superRefine(checkServiceForRole);

/** Returns the new user with its token; the token is not retrievable afterwards. */
export const handler = httpHandler({ body: CreateUserBodySchema }, async ({ body }) => {
  const { user, token } = await createUser(body);
  return { statusCode: 201, data: { ...user, token } };
});
