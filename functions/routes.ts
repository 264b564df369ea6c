import { ADMIN_ROUTES } from './admin/routes.js';
import { APPSTORE_ROUTES } from './appstore/routes.js';
import { FLEET_ROUTES } from './fleet/routes.js';
import { HEALTH_ROUTES } from './health/routes.js';
import { MONITOR_ROUTES } from './helm/monitor-routes.js';
import { HELM_ROUTES } from './helm/routes.js';
import { KVCONFIG_ROUTES } from './kvconfig/routes.js';
import type { Route } from '#shared/route.js';

/**
 * The one route table: each domain's rows, kept beside its handlers. The CDK API stack
 * (`infra/api-stack.ts`) creates a resource, method and function per row, and the local gateway
 * (`local/gateway.ts`) dispatches with the same rows, so a route cannot exist in one and not the
 * other. `test/platform/routes.test.ts` fails when a handler file has no row or a row has no
 * handler file.
 */
export const ROUTES: readonly Route[] = [
  ...HEALTH_ROUTES,
  ...ADMIN_ROUTES,
  ...HELM_ROUTES,
  ...MONITOR_ROUTES,
  ...KVCONFIG_ROUTES,
  ...FLEET_ROUTES,
  ...APPSTORE_ROUTES,
];

/** The row for an API Gateway `resource` and method (what a Lambda receives in its event). */
export function routeFor(method: string, resource: string): Route | undefined {
  return ROUTES.find((r) => r.method === method && r.path === resource);
}
