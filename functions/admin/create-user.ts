import * as z from 'zod';
import { httpHandler } from '#shared/http.js';
import { NameSchema } from '#shared/validation.js';
import { RoleSchema, UserWithTokenSchema } from './user-schemas.js';
import { createUser } from './users-service.js';

export const CreateUserBodySchema = z.object({ name: NameSchema, role: RoleSchema });

/** Returns the new user with its token; the token is not retrievable afterwards. */
export const handler = httpHandler({ body: CreateUserBodySchema, response: { 201: { data: UserWithTokenSchema } } }, async ({ body }) => {
  const { user, token } = await createUser(body);
  return { statusCode: 201, data: { ...user, token } };
});
