import { httpHandler } from '#shared/http.js';
import { V1AppSchema } from './app-schemas.js';
import { v1App } from './app-views.js';
import { installApp } from './apps-service.js';
import { V1InstallBodySchema } from './schemas.js';

/**
 * Installs an app the simple way: `chart` is `<repository>/<chart>`, `values` nested chart values.
 * The app belongs to the project named after its namespace, so /v3 sees it too.
 */
export const handler = httpHandler(
  { body: V1InstallBodySchema, response: { 201: { data: V1AppSchema, description: 'installing' }, 200: { data: V1AppSchema } } },
  async ({ body, caller }) => {
    const [repo = '', chart = ''] = body.chart.split('/');
    const { app, started } = await installApp({
      scope: { cluster: 'default', project: body.namespace },
      namespace: body.namespace,
      name: body.name,
      api: 'v1',
      spec: { repo, chart, version: body.version, answers: {}, values_yaml: '', values: body.values ?? {}, secret_values: {} },
      wait: body.wait,
      timeout: body.timeout,
      who: caller?.userId ?? 'unknown',
    });
    return { statusCode: started ? 201 : 200, data: v1App(app) };
  },
);
