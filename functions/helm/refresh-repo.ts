import { httpHandler } from '#shared/http.js';
import { RepoNamePathSchema, RepoSchema } from './repo-schemas.js';
import { refreshRepo } from './repos-service.js';

/** Fetches and validates the index again (OCI: pings the registry); 200 with `status` `active` or `error` and the reason. */
export const handler = httpHandler({ path: RepoNamePathSchema, response: RepoSchema }, async ({ path }) => ({ data: await refreshRepo(path.name) }));
