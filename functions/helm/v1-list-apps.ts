import * as z from 'zod';
import { httpHandler } from '#shared/http.js';
import { V1AppSchema } from './app-schemas.js';
import { v1App } from './app-views.js';
import { V1NamespaceQuerySchema } from './schemas.js';
import { listClusterApps, listNamespaceApps } from './store/apps.js';

/** The apps of a namespace, or of the whole default cluster without `namespace` (removed apps are not listed). */
export const handler = httpHandler({ query: V1NamespaceQuerySchema, response: z.array(V1AppSchema) }, async ({ query }) => {
  const apps = query.namespace ? await listNamespaceApps('default', query.namespace) : await listClusterApps('default');
  return {
    data: apps
      .filter((a) => a.state !== 'removed')
      .sort((a, b) => a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name))
      .map((app) => v1App(app)),
  };
});
