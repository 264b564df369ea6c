import { httpHandler } from '#shared/http.js';
import { V1AppSchema } from './app-schemas.js';
import { v1App } from './app-views.js';
import { changeApp, requireApp } from './apps-service.js';
import { V1ActionBodySchema, V1ActionPathSchema } from './schemas.js';
import { parseOptionalBody } from './v3-request.js';

/**
 * `upgrade` (body: `version`, `values`), `rollback` (body: `revision`, else the previous one),
 * `restart` (a rolling restart of the app's workloads), `pause` (scale them to zero, remembering
 * their replicas) and `resume` (restore them). The body is optional; `namespace` defaults to `default`.
 */
export const handler = httpHandler(
  { path: V1ActionPathSchema, response: { 202: { data: V1AppSchema, description: 'started' }, 200: { data: V1AppSchema } } },
  async ({ path, event, caller }) => {
    const body = parseOptionalBody(V1ActionBodySchema, (event as { parsedBody?: unknown }).parsedBody);
    const app = await requireApp({ cluster: 'default', namespace: body.namespace ?? 'default', name: path.name });
    const who = caller?.userId ?? 'unknown';
    const common = { wait: body.wait, timeout: body.timeout, who };
    const input =
      path.action === 'upgrade'
        ? { ...common, kind: 'upgrade' as const, spec: { ...app.spec, version: body.version ?? app.spec.version, values: body.values ?? app.spec.values } }
        : path.action === 'rollback'
          ? { ...common, kind: 'rollback' as const, targetRevision: body.revision }
          : { ...common, kind: path.action };
    const { app: after, started } = await changeApp(app, input);
    return { statusCode: started ? 202 : 200, data: v1App(after) };
  },
);
