import { httpHandler } from '#shared/http.js';
import { RepoNamePathSchema, RepoSchema, UpdateRepoBodySchema } from './repo-schemas.js';
import { updateRepo } from './repos-service.js';

/** Changes the URL and/or credentials and checks the repository again; the answer carries the new `status`. */
export const handler = httpHandler({ path: RepoNamePathSchema, body: UpdateRepoBodySchema, response: RepoSchema }, async ({ path, body }) => ({
  data: await updateRepo(path.name, body),
}));
