import { httpHandler } from '#shared/http.js';
import { UserIdPathSchema, UserSchema } from './user-schemas.js';
import { deleteUser } from './users-service.js';

export const handler = httpHandler({ path: UserIdPathSchema, response: UserSchema }, async ({ path }) => ({ data: await deleteUser(path.id) }));
