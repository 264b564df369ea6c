import { httpHandler } from '#shared/http.js';
import { V3AppSchema } from './app-schemas.js';
import { v3App } from './app-views.js';
import { changeApp, requireProjectApp } from './apps-service.js';
import { DeleteQuerySchema } from './schemas.js';
import { V3AnyPathSchema, v3Target } from './v3-request.js';

/** Uninstalls an app: answers `removing` at once; the app reads `removed` when helm is done. */
export const handler = httpHandler(
  { path: V3AnyPathSchema, query: DeleteQuerySchema, response: { 202: { data: V3AppSchema, description: 'removing' }, 200: { data: V3AppSchema } } },
  async ({ path, query, caller }) => {
    const { scope, name } = v3Target(path);
    const app = await requireProjectApp(scope, name, query.targetNamespace);
    const { app: after, started } = await changeApp(app, { kind: 'delete', who: caller?.userId ?? 'unknown' });
    return { statusCode: started ? 202 : 200, data: v3App(after) };
  },
);
