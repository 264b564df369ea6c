/**
 * Kubernetes API errors. Each carries the `Status` object clients decode: kubectl and helm match on
 * `reason` and `code` (helm treats 404 as "release not found" and 409 AlreadyExists as
 * "release exists"), so the reason strings are Kubernetes' own.
 */
export type StatusDetails = {
  name?: string;
  group?: string;
  kind?: string;
  causes?: { reason?: string; message: string; field?: string }[];
  retryAfterSeconds?: number;
};

export class KubeApiError extends Error {
  override readonly name: string = 'KubeApiError';
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly details?: StatusDetails,
  ) {
    super(message);
  }

  /** The `Status` object of this error, as the API server answers it. */
  toStatus(): Record<string, unknown> {
    return {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: this.message,
      reason: this.reason,
      details: this.details,
      code: this.code,
    };
  }
}

const resourceName = (plural: string, group: string): string => (group ? `${plural}.${group}` : plural);

export const notFound = (plural: string, group: string, name: string): KubeApiError =>
  new KubeApiError(404, 'NotFound', `${resourceName(plural, group)} "${name}" not found`, { name, group, kind: plural });

export const alreadyExists = (plural: string, group: string, name: string): KubeApiError =>
  new KubeApiError(409, 'AlreadyExists', `${resourceName(plural, group)} "${name}" already exists`, { name, group, kind: plural });

export const conflict = (plural: string, group: string, name: string, why: string): KubeApiError =>
  new KubeApiError(409, 'Conflict', `Operation cannot be fulfilled on ${resourceName(plural, group)} "${name}": ${why}`, { name, group, kind: plural });

export const invalid = (kind: string, name: string, causes: { field: string; message: string }[]): KubeApiError =>
  new KubeApiError(422, 'Invalid', `${kind} "${name}" is invalid: ${causes.map((c) => `${c.field}: ${c.message}`).join(', ')}`, {
    name,
    kind,
    causes: causes.map((c) => ({ reason: 'FieldValueInvalid', ...c })),
  });

export const badRequest = (message: string): KubeApiError => new KubeApiError(400, 'BadRequest', message);

export const expired = (message: string): KubeApiError => new KubeApiError(410, 'Expired', message);

export const unsupportedMediaType = (contentType: string): KubeApiError =>
  new KubeApiError(
    415,
    'UnsupportedMediaType',
    `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml (got ${contentType})`,
  );

export const methodNotAllowed = (message: string): KubeApiError => new KubeApiError(405, 'MethodNotAllowed', message);

export const unauthorized = (): KubeApiError => new KubeApiError(401, 'Unauthorized', 'Unauthorized');
