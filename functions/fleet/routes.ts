import type { Route } from '#shared/route.js';

/** Release system routes (release-system.md) and its deploy agent's routes. Concatenated into the one table in `functions/routes.ts`. */
export const FLEET_ROUTES: readonly Route[] = [
  { method: 'GET', path: '/v1/health', entry: 'fleet/health', access: 'public', family: 'release', summary: 'Release system health' },
  { method: 'POST', path: '/v1/deploy/execute', entry: 'fleet/execute-deploy', access: 'operator', family: 'release', summary: 'Deploy a version to instances' },
  { method: 'GET', path: '/v1/deploy/status/{deploy_id}', entry: 'fleet/get-deploy-status', access: 'viewer', family: 'release', summary: 'Deployment status with per-instance progress' },
  { method: 'POST', path: '/v1/deploy/cancel/{deploy_id}', entry: 'fleet/cancel-deploy', access: 'operator', family: 'release', summary: 'Cancel a deployment' },
  { method: 'GET', path: '/v1/service/{service_name}/instances/versions', entry: 'fleet/list-instance-versions', access: 'viewer', family: 'release', summary: 'Running version of every instance of a service' },
  { method: 'GET', path: '/v1/service/{service_name}/instances', entry: 'fleet/list-instances', access: 'viewer', family: 'release', summary: 'Instances of a service (status, version, limit, offset)' },
  { method: 'GET', path: '/v1/instance/{instance_id}/version-history', entry: 'fleet/get-version-history', access: 'viewer', family: 'release', summary: 'Deploys and rollbacks of an instance' },
  { method: 'POST', path: '/v1/rollback/instance', entry: 'fleet/rollback-instance', access: 'operator', family: 'release', summary: 'Roll one instance back' },
  { method: 'POST', path: '/v1/rollback/batch', entry: 'fleet/rollback-batch', access: 'operator', family: 'release', summary: 'Roll several instances back' },
  { method: 'GET', path: '/v1/rollback/status/{rollback_id}', entry: 'fleet/get-rollback-status', access: 'viewer', family: 'release', summary: 'Rollback status with per-instance progress' },
  { method: 'POST', path: '/v1/rollback/cancel/{rollback_id}', entry: 'fleet/cancel-rollback', access: 'operator', family: 'release', summary: 'Cancel a rollback' },
  { method: 'GET', path: '/v1/stats', entry: 'fleet/get-stats', access: 'viewer', family: 'release', summary: 'Deployment, rollback and instance statistics (1h, 24h, 7d, 30d)' },
  { method: 'POST', path: '/v1/agent/register', entry: 'fleet/agent-register', access: 'operator', family: 'release', summary: 'Deploy agent: register an instance' },
  { method: 'POST', path: '/v1/agent/heartbeat', entry: 'fleet/agent-heartbeat', access: 'operator', family: 'release', summary: 'Deploy agent: heartbeat' },
  { method: 'GET', path: '/v1/agent/commands', entry: 'fleet/agent-poll-commands', access: 'operator', family: 'release', summary: 'Deploy agent: poll for commands' },
  { method: 'POST', path: '/v1/agent/commands/{command_id}/ack', entry: 'fleet/agent-ack-command', access: 'operator', family: 'release', summary: 'Deploy agent: acknowledge a command' },
  { method: 'POST', path: '/v1/agent/commands/{command_id}/progress', entry: 'fleet/agent-report-progress', access: 'operator', family: 'release', summary: 'Deploy agent: progress (a workflow heartbeat)' },
  { method: 'POST', path: '/v1/agent/commands/{command_id}/result', entry: 'fleet/agent-report-result', access: 'operator', family: 'release', summary: 'Deploy agent: the result of a command' },
];
