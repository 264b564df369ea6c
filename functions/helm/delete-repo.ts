import { httpHandler } from '#shared/http.js';
import { RepoNamePathSchema, RepoSchema } from './repo-schemas.js';
import { removeRepo } from './repos-service.js';

/** Deletes the repository and its stored credentials; answers what was deleted. */
export const handler = httpHandler({ path: RepoNamePathSchema, response: RepoSchema }, async ({ path }) => ({ data: await removeRepo(path.name) }));
