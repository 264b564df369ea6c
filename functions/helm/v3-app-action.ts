import { httpHandler } from '#shared/http.js';
import { V3AppSchema } from './app-schemas.js';
import { v3App } from './app-views.js';
import { changeApp, requireProjectApp } from './apps-service.js';
import { V3ActionQuerySchema, V3RollbackBodySchema, V3UpgradeBodySchema } from './schemas.js';
import type { AppSpec } from './store/records.js';
import { parseOptionalBody, V3AnyPathSchema, v3Target } from './v3-request.js';

/**
 * `?action=upgrade` (new externalId and/or answers, merged over the app's: a null answer removes
 * one; `forceUpgrade` replaces what cannot be patched) and `?action=rollback` (`revisionId`, else
 * the previous revision). Both answer `upgrading` at once.
 */
export const handler = httpHandler(
  { path: V3AnyPathSchema, query: V3ActionQuerySchema, response: { 202: { data: V3AppSchema, description: 'upgrading' }, 200: { data: V3AppSchema } } },
  async ({ path, query, event, caller }) => {
    const { scope, name } = v3Target(path);
    const app = await requireProjectApp(scope, name);
    const raw = (event as { parsedBody?: unknown }).parsedBody ?? {};
    const who = caller?.userId ?? 'unknown';
    if (query.action === 'rollback') {
      const body = parseOptionalBody(V3RollbackBodySchema, raw);
      const { app: after, started } = await changeApp(app, {
        kind: 'rollback',
        targetRevision: body.revisionId === undefined ? undefined : Number(body.revisionId),
        wait: body.wait,
        timeout: body.timeout,
        who,
      });
      return { statusCode: started ? 202 : 200, data: v3App(after) };
    }
    const body = parseOptionalBody(V3UpgradeBodySchema, raw);
    const answers = { ...app.spec.answers };
    for (const [key, value] of Object.entries(body.answers ?? {})) {
      if (value === null) delete answers[key];
      else answers[key] = value;
    }
    const spec: AppSpec = { ...app.spec, ...(body.externalId ?? {}), answers, values_yaml: body.valuesYaml ?? app.spec.values_yaml };
    const { app: after, started } = await changeApp(app, { kind: 'upgrade', spec, force: body.forceUpgrade, wait: body.wait, timeout: body.timeout, who });
    return { statusCode: started ? 202 : 200, data: v3App(after) };
  },
);
