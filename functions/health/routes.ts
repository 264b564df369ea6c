import type { Route } from '#shared/route.js';

/** Platform health and the API's own description (helm-proxy.md §1). Concatenated into the one table in `functions/routes.ts`. */
export const HEALTH_ROUTES: readonly Route[] = [
  { method: 'GET', path: '/health', entry: 'health/health', access: 'public', family: 'helm', summary: 'Liveness: the API answers' },
  { method: 'GET', path: '/ready', entry: 'health/ready', access: 'public', family: 'helm', summary: 'Readiness: DynamoDB answers' },
  { method: 'GET', path: '/openapi.json', entry: 'health/openapi', access: 'viewer', family: 'helm', summary: 'This API as an OpenAPI 3.1 document' },
];
