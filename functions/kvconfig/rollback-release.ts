import * as z from 'zod';
import { httpHandler } from '#shared/http.js';
import { rollback } from './releases-service.js';
import { DescriptionSchema, EnvReleaseSchema, OperatorSchema, ReleasePathSchema, toNamespace } from './schemas.js';

export const RollbackReleaseBodySchema = z.object({ operator: OperatorSchema, comment: DescriptionSchema.optional() });

export const handler = httpHandler({ path: ReleasePathSchema, body: RollbackReleaseBodySchema, response: EnvReleaseSchema }, async ({ path, body }) => ({
  data: await rollback(toNamespace(path), path.release_id, body),
}));
