import * as z from 'zod';
import { httpHandler } from '#shared/http.js';
import { RevisionSchema } from './app-schemas.js';
import { revisionView } from './app-views.js';
import { requireProjectApp } from './apps-service.js';
import { GetQuerySchema } from './schemas.js';
import { listOperations } from './store/apps.js';
import { V3AnyPathSchema, v3Target } from './v3-request.js';

/** An app's revisions (Rancher's app revisions): every operation, newest first, with who, when and what changed. */
export const handler = httpHandler({ path: V3AnyPathSchema, query: GetQuerySchema, response: z.array(RevisionSchema) }, async ({ path, query }) => {
  const { scope, name } = v3Target(path);
  const app = await requireProjectApp(scope, name, query.targetNamespace, true);
  return { data: (await listOperations(app)).map(revisionView) };
});
