import { httpHandler } from '#shared/http.js';
import { UserIdPathSchema } from './user-schemas.js';
import { deleteUser } from './users-service.js';

export const handler = httpHandler({ path: UserIdPathSchema }, async ({ path }) => ({ data: await deleteUser(path.id) }));
