import { httpHandler } from '#shared/http.js';
import { serviceOfInstance, startRollback } from './rollback-service.js';
import { RollbackInstanceBodySchema, RollbackStartedSchema } from './schemas.js';

/** Rolls one instance back; without package_url the package recorded for that version is used. */
export const handler = httpHandler({ body: RollbackInstanceBodySchema, response: RollbackStartedSchema }, async ({ body }) => {
  const op = await startRollback({
    service: await serviceOfInstance(body.instance_id),
    targetVersion: body.target_version,
    packageUrl: body.package_url,
    sha256: body.sha256,
    instances: [body.instance_id],
    force: body.force,
    timeout: body.timeout,
    retryCount: body.retry_count,
    maxConcurrency: 0,
    stopOnFailure: false,
    type: 'single',
  });
  return {
    message: 'rollback started successfully',
    data: { rollback_id: op.id, instance_id: body.instance_id, target_version: op.version, status: 'started', started_at: op.started_at },
  };
});
