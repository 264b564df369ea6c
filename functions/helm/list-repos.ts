import { httpHandler } from '#shared/http.js';
import { RepoListSchema } from './repo-schemas.js';
import { listRepos } from './repos-service.js';

/** Every repository in name order, with its last check's `status` (credentials never shown). */
export const handler = httpHandler({ response: RepoListSchema }, async () => ({ data: await listRepos() }));
