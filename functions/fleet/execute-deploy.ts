import { httpHandler } from '#shared/http.js';
import { startOperation } from './operations-service.js';
import { DeployBodySchema, DeployStartedSchema } from './schemas.js';

/**
 * Starts a deployment. Repeating it with the same deploy_id and body returns the existing
 * deployment; the same id with another body is 40004.
 */
export const handler = httpHandler({ body: DeployBodySchema, response: { 200: { data: DeployStartedSchema }, 404: { error: true } } }, async ({ body }) => {
  const { op, existing } = await startOperation({
    id: body.deploy_id,
    kind: 'deploy',
    service: body.service,
    version: body.version,
    packageUrl: body.package_url,
    sha256: body.sha256 ?? null,
    instances: body.instances,
    timeout: body.timeout,
    retryCount: body.retry_count,
    maxConcurrency: body.max_concurrency ?? 0,
    stopOnFailure: body.stop_on_failure,
    force: false,
    fingerprint: { ...body, sha256: body.sha256 ?? null },
  });
  return {
    message: existing ? 'deployment already exists' : 'deployment started successfully',
    data: {
      deploy_id: op.id,
      service: op.service,
      version: op.version,
      status: existing ? op.status : 'started',
      total_instances: op.instances.length,
      started_at: op.started_at,
    },
  };
});
