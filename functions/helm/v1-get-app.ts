import { httpHandler } from '#shared/http.js';
import { V1AppSchema } from './app-schemas.js';
import { v1App } from './app-views.js';
import { requireApp } from './apps-service.js';
import { liveState } from './live-state.js';
import { V1NamespaceQuerySchema, V1PathSchema } from './schemas.js';

/** An app with its live state and per-resource readiness (`namespace` defaults to `default`). */
export const handler = httpHandler({ path: V1PathSchema, query: V1NamespaceQuerySchema, response: V1AppSchema }, async ({ path, query }) => {
  const app = await requireApp({ cluster: 'default', namespace: query.namespace ?? 'default', name: path.name }, true);
  return { data: v1App(app, await liveState(app), true) };
});
