import { httpHandler } from '#shared/http.js';
import { V1AppSchema } from './app-schemas.js';
import { v1App } from './app-views.js';
import { changeApp, requireApp } from './apps-service.js';
import { V1NamespaceQuerySchema, V1PathSchema } from './schemas.js';

/** Uninstalls an app: `removing` at once, `removed` when helm is done. */
export const handler = httpHandler(
  { path: V1PathSchema, query: V1NamespaceQuerySchema, response: { 202: { data: V1AppSchema, description: 'removing' }, 200: { data: V1AppSchema } } },
  async ({ path, query, caller }) => {
    const app = await requireApp({ cluster: 'default', namespace: query.namespace ?? 'default', name: path.name });
    const { app: after, started } = await changeApp(app, { kind: 'delete', who: caller?.userId ?? 'unknown' });
    return { statusCode: started ? 202 : 200, data: v1App(after) };
  },
);
