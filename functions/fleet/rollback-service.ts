import { ValidationError } from '#shared/errors.js';
import { newId } from '#shared/ids.js';
import { InstanceNotFoundError, ServiceNotFoundError, VersionNotFoundError } from './errors.js';
import type { OperationRequest } from './operations-service.js';
import { startOperation } from './operations-service.js';
import { findVersion } from './store/fleet-records.js';
import * as instances from './store/instances.js';

/** Single and batch rollbacks: a rollback is an operation like a deploy, to an earlier version. */

export type RollbackInput = {
  service: string;
  targetVersion: string;
  packageUrl: string | undefined;
  sha256: string | undefined;
  instances: string[];
  force: boolean;
  timeout: number;
  retryCount: number;
  maxConcurrency: number;
  stopOnFailure: boolean;
  type: 'single' | 'batch';
};

/** Where the target version's package is: the request's URL, else the one recorded when it was deployed. */
async function packageOf(service: string, version: string, url: string | undefined, sha256: string | undefined) {
  if (url) return { package_url: url, sha256: sha256 ?? (await findVersion(service, version))?.sha256 ?? null };
  const recorded = await findVersion(service, version);
  if (!recorded) throw new VersionNotFoundError(`version ${version} of ${service} was never deployed here; give its package_url`);
  return recorded;
}

export async function startRollback(input: RollbackInput) {
  const pkg = await packageOf(input.service, input.targetVersion, input.packageUrl, input.sha256);
  const req: OperationRequest = {
    id: newId('rollback'),
    kind: 'rollback',
    rollbackType: input.type,
    service: input.service,
    version: input.targetVersion,
    packageUrl: pkg.package_url,
    sha256: pkg.sha256,
    instances: input.instances,
    timeout: input.timeout,
    retryCount: input.retryCount,
    maxConcurrency: input.maxConcurrency,
    stopOnFailure: input.stopOnFailure,
    force: input.force,
    fingerprint: null,
  };
  return (await startOperation(req)).op;
}

/** The service of an instance, for a single-instance rollback (40003 when unknown). */
export async function serviceOfInstance(instance: string): Promise<string> {
  const service = await instances.ownerOf(instance);
  if (!service) throw new InstanceNotFoundError([instance]);
  return service;
}

/** Batch targets: the given instances, or every instance of the service not on the target version. */
export async function batchTargets(service: string, targetVersion: string, given: string[] | undefined): Promise<string[]> {
  if (given) return given;
  if (!(await instances.serviceExists(service))) throw new ServiceNotFoundError(service);
  const targets = (await instances.listInstances(service)).filter((i) => i.version !== targetVersion && i.state !== 'stopped').map((i) => i.instance_id);
  if (targets.length === 0)
    throw new ValidationError(`every instance of ${service} already runs ${targetVersion}; nothing to roll back`, { field: 'instances' });
  return targets;
}
