import { ConflictError, NotFoundError, ValidationError } from '#shared/errors.js';

/** What is missing, named the way the API names it ("namespace not found"). */
export type Level = 'env' | 'app' | 'cluster' | 'namespace' | 'item' | 'release' | 'gray item';

export class ConfigNotFoundError extends NotFoundError {
  override name = 'ConfigNotFoundError';
  constructor(level: Level, name: string) {
    super(`${level} not found: ${name}`);
  }
}

export class AlreadyExistsError extends ConflictError {
  override name = 'AlreadyExistsError';
  constructor(level: Level, name: string) {
    super(`${level} already exists: ${name}`);
  }
}

export class HasChildrenError extends ConflictError {
  override name = 'HasChildrenError';
  constructor(level: Level, name: string, children: string, count: number) {
    super(`${level} ${name} still has ${count} ${children}; delete them first or pass ?force=true`);
  }
}

export class NamespaceFullError extends ValidationError {
  override name = 'NamespaceFullError';
  constructor(limit: number) {
    super(`namespace already holds ${limit} items, the maximum`, { field: 'key' });
  }
}

export class NeverReleasedError extends NotFoundError {
  override name = 'NeverReleasedError';
  constructor(namespace: string) {
    super(`release not found: namespace ${namespace} has never been released`);
  }
}

/**
 * 409: other publishes or rollbacks of the namespace kept committing first for the whole time a
 * release may wait. Nothing was written; the client should send the same request again.
 */
export class ReleaseContendedError extends ConflictError {
  override name = 'ReleaseContendedError';
  constructor(namespace: string, budgetMs: number, attempts: number) {
    super(
      `namespace ${namespace} is busy: other releases kept committing first for ${budgetMs / 1000} s (${attempts} attempts); nothing was released, retry the request`,
    );
  }
}

/** 404: the namespace has no gray release (branch) open. */
export class GrayNotFoundError extends NotFoundError {
  override name = 'GrayNotFoundError';
  constructor(namespace: string) {
    super(`gray release not found: namespace ${namespace} has none; create one with POST …/namespaces/${namespace}/gray`);
  }
}

/** 409: a namespace has at most one gray release at a time. */
export class GrayExistsError extends ConflictError {
  override name = 'GrayExistsError';
  constructor(namespace: string) {
    super(
      `gray release already exists: namespace ${namespace} has one; change its rules (PUT …/gray), merge it (POST …/gray/merge) or abandon it (DELETE …/gray) first`,
    );
  }
}

/** 400: a gray release holds at most this many gray items. */
export class GrayFullError extends ValidationError {
  override name = 'GrayFullError';
  constructor(limit: number) {
    super(`the gray release already holds ${limit} gray items, the maximum`, { field: 'key' });
  }
}
