import { httpHandler } from '#shared/http.js';
import { V3AppSchema } from './app-schemas.js';
import { v3App } from './app-views.js';
import { requireProjectApp } from './apps-service.js';
import { liveState } from './live-state.js';
import { GetQuerySchema } from './schemas.js';
import { V3AnyPathSchema, v3Target } from './v3-request.js';

/**
 * An app with its state read at this moment: the recorded state, corrected by its pods, and the
 * readiness of each resource as the last check saw it. A removed app answers `removed`.
 */
export const handler = httpHandler({ path: V3AnyPathSchema, query: GetQuerySchema, response: V3AppSchema }, async ({ path, query }) => {
  const { scope, name } = v3Target(path);
  const app = await requireProjectApp(scope, name, query.targetNamespace, true);
  return { data: v3App(app, await liveState(app), true) };
});
