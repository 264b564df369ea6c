import { createHash } from 'node:crypto';
import { nowIso } from '#shared/ids.js';
import { logger } from '#shared/observability.js';
import { startWorkflow, stopWorkflow } from '#shared/workflows.js';
import { DeployIdConflictError, InstanceBusyError, InstanceNotFoundError, ServiceNotFoundError, StartFailedError } from './errors.js';
import { hourOf } from './keys.js';
import { assertFetchable } from './package-check.js';
import * as instances from './store/instances.js';
import * as operations from './store/operations.js';
import { bumpStats, recordVersion } from './store/fleet-records.js';
import type { OperationKind, OperationRecord, RowRecord } from './store/records.js';

/** The state machine every deployment and rollback runs (statemachines/fleet-operation.asl.json). */
export const FLEET_WORKFLOW = 'fleet-operation';

export type OperationRequest = {
  id: string;
  kind: OperationKind;
  rollbackType?: 'single' | 'batch';
  service: string;
  version: string;
  packageUrl: string;
  sha256: string | null;
  instances: string[];
  timeout: number;
  retryCount: number;
  maxConcurrency: number;
  stopOnFailure: boolean;
  force: boolean;
  /** What makes a retried request "the same request" (deploy_id idempotency). */
  fingerprint: unknown;
};

const hashOf = (value: unknown) => createHash('sha256').update(JSON.stringify(value)).digest('hex');

/**
 * Validates and starts a deployment or rollback: the service and instances must be registered
 * (40001/40003), the package fetchable (40002), the id new or the same request (40004), every
 * instance free (409); then the header and a pending row per instance are written, the instances
 * locked, and the workflow started under the operation's id, so a retry cannot start it twice.
 */
export async function startOperation(req: OperationRequest): Promise<{ op: OperationRecord; existing: boolean }> {
  if (!(await instances.serviceExists(req.service))) throw new ServiceNotFoundError(req.service);
  const known = await instances.getInstances(req.service, req.instances);
  const missing = req.instances.filter((i) => !known.has(i));
  if (missing.length > 0) throw new InstanceNotFoundError(missing, req.service);
  await assertFetchable(req.packageUrl, req.version);

  const now = nowIso();
  const op: OperationRecord = {
    id: req.id,
    kind: req.kind,
    ...(req.rollbackType ? { rollback_type: req.rollbackType } : {}),
    service: req.service,
    version: req.version,
    package_url: req.packageUrl,
    sha256: req.sha256,
    instances: req.instances,
    timeout: req.timeout,
    retry_count: req.retryCount,
    max_concurrency: req.maxConcurrency,
    stop_on_failure: req.stopOnFailure,
    force: req.force,
    request_hash: hashOf(req.fingerprint),
    status: 'starting',
    halted: false,
    error_message: null,
    started_at: now,
    updated_at: now,
    completed_at: null,
    cancelled_at: null,
  };
  const created = await operations.createOperation(op);
  if (!created.created) {
    if (created.existing.request_hash !== op.request_hash) throw new DeployIdConflictError(req.id);
    return { op: created.existing, existing: true };
  }
  let busy = await instances.lockInstances(req.service, req.instances, req.id, req.force);
  if (busy.length > 0 && (await freeStaleLocks(req.service, busy))) busy = await instances.lockInstances(req.service, req.instances, req.id, req.force);
  if (busy.length > 0) {
    await operations.deleteOperation(req.id);
    throw new InstanceBusyError(busy);
  }
  const rows: RowRecord[] = req.instances.map((instance) => ({
    instance_id: instance,
    status: 'pending',
    current_version: known.get(instance)?.version || null,
    target_version: req.version,
    started_at: null,
    completed_at: null,
    error_message: null,
    output_tail: null,
    attempts: 0,
    command_id: null,
  }));
  await operations.putRows(req.id, rows);
  await recordVersion(req.service, req.version, req.packageUrl, req.sha256, now);
  await bumpStats(hourOf(now), `${req.kind}_total`);
  try {
    const arn = await startWorkflow(FLEET_WORKFLOW, req.id, workflowInput(op));
    await operations.updateOperation(req.id, { status: 'in_progress', execution_arn: arn, updated_at: nowIso() });
    return { op: { ...op, status: 'in_progress', execution_arn: arn }, existing: false };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    await operations.updateOperation(req.id, { status: 'failed', error_message: `could not start: ${reason}`, completed_at: nowIso(), updated_at: nowIso() });
    await Promise.all(req.instances.map((i) => instances.unlockInstance(req.service, i, req.id)));
    throw new StartFailedError(reason);
  }
}

/**
 * Locks held by operations that have already ended (a crash between an instance's end and its
 * unlock, an agent that never answered a cancel) are released, so an instance cannot stay busy
 * forever. True when any was.
 */
async function freeStaleLocks(service: string, busy: readonly { instance: string; op: string }[]): Promise<boolean> {
  let freed = false;
  for (const { instance, op } of busy) {
    const holder = await operations.getOperation(op);
    // A cancelled operation's working instance waits for its agent's answer, but not past one attempt's timeout.
    const waitingForAgent =
      holder?.status === 'cancelled' &&
      Date.parse(holder.cancelled_at ?? '') + holder.timeout * 1000 > Date.now() &&
      (await operations.getRow(op, instance))?.status === 'in_progress';
    if (!holder || holder.status === 'completed' || holder.status === 'failed' || (holder.status === 'cancelled' && !waitingForAgent)) {
      await instances.unlockInstance(service, instance, op);
      freed = true;
    }
  }
  return freed;
}

/** Heartbeat window of an attempt: at most a minute, never longer than the attempt's timeout. */
export const heartbeatSecondsOf = (timeout: number) => Math.max(1, Math.min(60, timeout));

/** The execution input: the operation's settings and its instance ids (fleets of 2,000 fit in 256 KB). */
export function workflowInput(op: OperationRecord) {
  return {
    operation: {
      operation_id: op.id,
      kind: op.kind,
      service: op.service,
      version: op.version,
      package_url: op.package_url,
      sha256: op.sha256,
      timeout: op.timeout,
      heartbeat_seconds: heartbeatSecondsOf(op.timeout),
      retry_count: op.retry_count,
      max_concurrency: op.max_concurrency,
      stop_on_failure: op.stop_on_failure,
    },
    instances: op.instances,
  };
}

/**
 * Stops the operation's execution (see cancelOperation). A stop that fails is logged, not fatal: the
 * operation is already `cancelled`, so every later BeginAttempt skips its instance, and rows can only
 * become `completed` under their agent's answered command.
 */
export async function stopExecution(op: OperationRecord, reason: string): Promise<void> {
  if (!op.execution_arn) return;
  await stopWorkflow(op.execution_arn, reason).catch((error: unknown) => logger.warn('could not stop the execution', { operation: op.id, error }));
}
