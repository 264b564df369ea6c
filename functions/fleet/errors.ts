import { ConflictError, HttpError, InternalError, NotFoundError, ValidationError } from '#shared/errors.js';

/** The release system's own error codes (release-system.md, CONTRACTS.md). */
export const CODES = {
  serviceNotFound: 40001,
  versionNotFound: 40002,
  instanceNotFound: 40003,
  deployIdConflict: 40004,
  startFailed: 50001,
  invalidInput: 40000,
  forbidden: 40300,
  operationNotFound: 40400,
  instanceBusy: 40900,
} as const;

export class ServiceNotFoundError extends NotFoundError {
  override name = 'ServiceNotFoundError';
  constructor(service: string) {
    super(`service not found: ${service} (a service exists once an agent has registered an instance of it)`, { code: CODES.serviceNotFound });
  }
}

/** 40002 is an input problem (the version cannot be fetched), so HTTP 400. */
export class VersionNotFoundError extends HttpError {
  override name = 'VersionNotFoundError';
  constructor(message: string) {
    super(400, message, { code: CODES.versionNotFound });
  }
}

export class InstanceNotFoundError extends NotFoundError {
  override name = 'InstanceNotFoundError';
  constructor(instances: readonly string[], service?: string) {
    super(
      `instance not found${service ? ` in service ${service}` : ''}: ${instances.slice(0, 10).join(', ')}${instances.length > 10 ? ` and ${instances.length - 10} more` : ''}`,
      { code: CODES.instanceNotFound },
    );
  }
}

export class DeployIdConflictError extends ConflictError {
  override name = 'DeployIdConflictError';
  constructor(id: string) {
    super(`deploy_id ${id} already exists with a different request; use a new deploy_id`, { code: CODES.deployIdConflict });
  }
}

export class StartFailedError extends InternalError {
  override name = 'StartFailedError';
  constructor(reason: string) {
    super(`deployment could not be started: ${reason}`, { code: CODES.startFailed });
  }
}

export class OperationNotFoundError extends NotFoundError {
  override name = 'OperationNotFoundError';
  constructor(kind: 'deploy' | 'rollback', id: string) {
    super(`${kind} not found: ${id}`, { code: CODES.operationNotFound });
  }
}

export class InstanceBusyError extends ConflictError {
  override name = 'InstanceBusyError';
  constructor(busy: readonly { instance: string; op: string }[]) {
    super(
      `instance busy: ${busy
        .slice(0, 10)
        .map((b) => `${b.instance} is in ${b.op}`)
        .join(', ')}; wait for it to finish or cancel it${busy.some((b) => b.op.startsWith('rollback')) ? '' : ' (a rollback may pass force: true)'}`,
      { code: CODES.instanceBusy },
    );
  }
}

export class PackageUrlError extends ValidationError {
  override name = 'PackageUrlError';
  constructor(message: string) {
    super(message, { field: 'package_url', code: CODES.invalidInput });
  }
}

/**
 * An agent token is bound to one service (the `service` of its user): it may not register, heartbeat,
 * poll or answer for instances of another. 403, and nothing is changed.
 */
export class WrongServiceError extends HttpError {
  override name = 'WrongServiceError';
  constructor(bound: string | undefined, service: string, what: string) {
    super(
      403,
      bound === undefined
        ? `this token is bound to no service; it may not ${what} (use an agent token, or admin)`
        : `this agent token is bound to service ${bound}; it may not ${what} of service ${service}`,
      { code: CODES.forbidden },
    );
  }
}

/** The command is no longer wanted: cancelled, timed out or already answered (HTTP 410). */
export class CommandGoneError extends HttpError {
  override name = 'CommandGoneError';
  constructor(id: string, why: string) {
    super(410, `command ${id} is ${why}`, { code: 41000 });
  }
}

/** Task errors the state machine matches on. */
export class AgentFailedError extends Error {
  override name = 'AgentFailed';
}
