import type { Route } from '#shared/route.js';

/** Monitoring (helm-proxy.md §5), reads for viewers. Concatenated into the one table in `functions/routes.ts`. */
export const MONITOR_ROUTES: readonly Route[] = [
  {
    method: 'GET',
    path: '/v1/monitor/apps/{name}/metrics',
    entry: 'helm/monitor-app-metrics',
    access: 'viewer',
    family: 'helm',
    summary: "An app's CPU and memory use (metrics.k8s.io) and replicas",
  },
  {
    method: 'GET',
    path: '/v1/monitor/system',
    entry: 'helm/monitor-system',
    access: 'viewer',
    family: 'helm',
    summary: 'Nodes (allocatable, requested, used), pods by phase, apps by state',
  },
  {
    method: 'GET',
    path: '/v1/monitor/health',
    entry: 'helm/monitor-health',
    access: 'viewer',
    family: 'helm',
    summary: 'Cluster, DynamoDB and workflows reachable; apps in error',
    grants: ['workflows-status'],
  },
];
