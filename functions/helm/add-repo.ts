import { httpHandler } from '#shared/http.js';
import { AddRepoBodySchema, RepoSchema } from './repo-schemas.js';
import { addRepo } from './repos-service.js';

/**
 * 201 with the repository as checked: `active`, or `error` with the reason in `message` (it is
 * stored either way, so it can be fixed with PUT). 409 when the name is taken.
 */
export const handler = httpHandler({ body: AddRepoBodySchema, response: { 201: { data: RepoSchema } } }, async ({ body }) => ({
  statusCode: 201,
  data: await addRepo(body),
}));
