import * as z from 'zod';
import { httpHandler } from '#shared/http.js';
import { paginate } from '#shared/validation.js';
import { PaginationSchema, V3AppSummarySchema } from './app-schemas.js';
import { v3Summary } from './app-views.js';
import { scopeOf } from './apps-service.js';
import { ListQuerySchema, ProjectIdSchema } from './schemas.js';
import { listProjectApps } from './store/apps.js';

/** The apps of a project, by name, `page`/`page_size` paginated (removed apps are not listed). */
export const handler = httpHandler(
  { path: z.object({ projectId: ProjectIdSchema }), query: ListQuerySchema, response: { 200: { data: z.array(V3AppSummarySchema), extra: PaginationSchema } } },
  async ({ path, query }) => {
    const scope = scopeOf(path.projectId);
    const apps = (await listProjectApps(scope.cluster, scope.project)).filter((a) => a.state !== 'removed').sort((a, b) => a.name.localeCompare(b.name));
    const { items, pagination } = paginate(apps, query.page, query.page_size);
    return { data: items.map((app) => v3Summary(app)), extra: { pagination } };
  },
);
