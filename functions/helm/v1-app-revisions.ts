import * as z from 'zod';
import { httpHandler } from '#shared/http.js';
import { RevisionSchema } from './app-schemas.js';
import { revisionView } from './app-views.js';
import { requireApp } from './apps-service.js';
import { V1NamespaceQuerySchema, V1PathSchema } from './schemas.js';
import { listOperations } from './store/apps.js';

/** An app's revision history: every operation, newest first, with the helm revision it produced. */
export const handler = httpHandler({ path: V1PathSchema, query: V1NamespaceQuerySchema, response: z.array(RevisionSchema) }, async ({ path, query }) => {
  const app = await requireApp({ cluster: 'default', namespace: query.namespace ?? 'default', name: path.name }, true);
  return { data: (await listOperations(app)).map(revisionView) };
});
