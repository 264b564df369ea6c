import { httpHandler } from '#shared/http.js';
import { V1AppSchema } from './app-schemas.js';
import { v1App } from './app-views.js';
import { changeApp, requireApp } from './apps-service.js';
import { V1PathSchema, V1UpdateBodySchema } from './schemas.js';

/** Upgrades an app to a new chart `version` and/or new `values` (which replace the old ones). */
export const handler = httpHandler(
  { path: V1PathSchema, body: V1UpdateBodySchema, response: { 202: { data: V1AppSchema, description: 'upgrading' }, 200: { data: V1AppSchema } } },
  async ({ path, body, caller }) => {
    const app = await requireApp({ cluster: 'default', namespace: body.namespace ?? 'default', name: path.name });
    const spec = { ...app.spec, version: body.version ?? app.spec.version, values: body.values ?? app.spec.values };
    const { app: after, started } = await changeApp(app, { kind: 'upgrade', spec, wait: body.wait, timeout: body.timeout, who: caller?.userId ?? 'unknown' });
    return { statusCode: started ? 202 : 200, data: v1App(after) };
  },
);
