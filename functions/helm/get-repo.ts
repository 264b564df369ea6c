import { httpHandler } from '#shared/http.js';
import { RepoNamePathSchema, RepoSchema } from './repo-schemas.js';
import { getRepo } from './repos-service.js';

export const handler = httpHandler({ path: RepoNamePathSchema, response: RepoSchema }, async ({ path }) => ({ data: await getRepo(path.name) }));
