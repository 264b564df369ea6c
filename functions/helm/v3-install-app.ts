import { ValidationError } from '#shared/errors.js';
import { httpHandler } from '#shared/http.js';
import { V3AppSchema } from './app-schemas.js';
import { v3App } from './app-views.js';
import { installApp, scopeOf } from './apps-service.js';
import { ProjectIdSchema, V3InstallBodySchema } from './schemas.js';
import * as z from 'zod';

/**
 * Installs a Helm app (Rancher's app create): answers as `--set` pairs over `valuesYaml`. Answers
 * `installing` at once; the helm-operation workflow carries it out.
 */
export const handler = httpHandler(
  {
    path: z.object({ projectId: ProjectIdSchema }),
    body: V3InstallBodySchema,
    response: { 201: { data: V3AppSchema, description: 'installing' }, 200: { data: V3AppSchema, description: 'the same install again: the app as it is' } },
  },
  async ({ path, body, caller }) => {
    const scope = scopeOf(path.projectId);
    if (body.projectId !== undefined && body.projectId !== path.projectId && body.projectId !== scope.project) {
      throw new ValidationError(`projectId ${body.projectId} in the body does not match ${path.projectId} in the path`, { field: 'projectId' });
    }
    const { app, started } = await installApp({
      scope,
      namespace: body.targetNamespace,
      name: body.name,
      api: 'v3',
      spec: { ...body.externalId, answers: body.answers ?? {}, values_yaml: body.valuesYaml ?? '', values: {}, secret_values: {} },
      wait: body.wait,
      timeout: body.timeout,
      prune: body.prune,
      who: caller?.userId ?? 'unknown',
    });
    return { statusCode: started ? 201 : 200, data: v3App(app) };
  },
);
