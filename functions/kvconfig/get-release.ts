import { httpHandler } from '#shared/http.js';
import { getLatestRelease } from './releases-service.js';
import { LatestReleaseSchema, ReleasePathSchema, toNamespace } from './schemas.js';

/**
 * The latest release with all its items and `changed` relative to `release_id`. Streams its answer:
 * 5,000 values of 64 KiB exceed Lambda's 6 MB buffered response.
 */
export const handler = httpHandler(
  { path: ReleasePathSchema, response: LatestReleaseSchema },
  async ({ path }) => ({ data: await getLatestRelease(toNamespace(path), path.release_id) }),
  {
    streaming: true,
  },
);
