import { httpHandler } from '#shared/http.js';
import { batchTargets, startRollback } from './rollback-service.js';
import { BatchRollbackStartedSchema, RollbackBatchBodySchema } from './schemas.js';

/** Rolls several instances back; without `instances`, every instance not already on the target. */
export const handler = httpHandler({ body: RollbackBatchBodySchema, response: BatchRollbackStartedSchema }, async ({ body }) => {
  const op = await startRollback({
    service: body.service,
    targetVersion: body.target_version,
    packageUrl: body.package_url,
    sha256: body.sha256,
    instances: await batchTargets(body.service, body.target_version, body.instances),
    force: body.force,
    timeout: body.timeout,
    retryCount: body.retry_count,
    maxConcurrency: body.max_concurrency ?? 0,
    stopOnFailure: body.stop_on_failure,
    type: 'batch',
  });
  return {
    message: 'batch rollback started successfully',
    data: {
      rollback_id: op.id,
      service: op.service,
      target_version: op.version,
      status: 'started',
      instances: op.instances,
      total_instances: op.instances.length,
      started_at: op.started_at,
    },
  };
});
