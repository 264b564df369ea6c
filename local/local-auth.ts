import { randomBytes, timingSafeEqual } from 'node:crypto';
import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { ForbiddenError, UnauthorizedError } from '../functions/shared/errors.js';
import { familyOfPath, renderError } from '../functions/shared/families.js';
import type { ProxyResult } from '../functions/shared/families.js';
import { isPublicChartRequest } from './chart-repository.js';
import type { LocalEndpoint } from './gateway.js';

/**
 * Who may use `/local/*` (the Step Functions endpoint, the execution views, the capacity counter):
 * they hand out task tokens and can fail a waiting task, so they are not left open to anyone who
 * reaches the port. Two kinds of caller are accepted:
 *
 * - the functions themselves, whose SFN client signs with SigV4 using credentials the runtime
 *   generated at start (as Lambda's role credentials would be in AWS);
 * - a person or script with an admin bearer token (the same tokens as the API).
 *
 * The one exception is the local chart repository: GET and HEAD of a file under `/local/charts/`
 * (helm sends no token to a repository without credentials).
 */
export type LocalCredentials = Readonly<{ accessKeyId: string; secretAccessKey: string }>;

/** Fresh random credentials, never written anywhere but this process's environment. */
export function generateLocalCredentials(): LocalCredentials {
  return { accessKeyId: `LOCAL${randomBytes(8).toString('hex').toUpperCase()}`, secretAccessKey: randomBytes(32).toString('base64url') };
}

type LocalRequest = Parameters<LocalEndpoint>[0];

const SIGV4 =
  /^AWS4-HMAC-SHA256 Credential=([^/\s,]+)\/(\d{8})\/([^/\s,]+)\/([^/\s,]+)\/aws4_request,\s*SignedHeaders=([a-z0-9;._-]+),\s*Signature=([0-9a-f]{64})$/;
const AMZ_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;
/** AWS refuses signatures more than 15 minutes from its clock; so does this. */
const MAX_SKEW_MS = 15 * 60 * 1000;

/**
 * Whether the request carries a valid SigV4 signature made with `credentials`: the signature is
 * computed again over the headers the client signed, the path and the body, and compared.
 */
export async function hasValidSignature(request: LocalRequest, credentials: LocalCredentials): Promise<boolean> {
  const match = SIGV4.exec(request.headers.authorization ?? '');
  const date = AMZ_DATE.exec(request.headers['x-amz-date'] ?? '');
  if (!match || !date) return false;
  const [, accessKeyId, , region = '', service = '', signedHeaderList = '', signature = ''] = match;
  if (accessKeyId !== credentials.accessKeyId) return false;
  const signingDate = new Date(Date.UTC(Number(date[1]), Number(date[2]) - 1, Number(date[3]), Number(date[4]), Number(date[5]), Number(date[6])));
  if (Math.abs(Date.now() - signingDate.getTime()) > MAX_SKEW_MS) return false;
  const signedHeaders = signedHeaderList.split(';');
  const headers: Record<string, string> = {};
  for (const name of signedHeaders) {
    const value = Object.hasOwn(request.headers, name) ? request.headers[name] : undefined;
    if (value === undefined) return false;
    headers[name] = value;
  }
  const signer = new SignatureV4({ credentials, region, service, sha256: Sha256, applyChecksum: false });
  const resigned = await signer.sign(
    new HttpRequest({ method: request.method, protocol: 'http:', hostname: 'local', path: request.path, headers, body: request.body }),
    {
      signingDate,
      signableHeaders: new Set(signedHeaders),
    },
  );
  const expected = /Signature=([0-9a-f]{64})$/.exec(String(resigned.headers.authorization))?.[1] ?? '';
  return expected.length === signature.length && timingSafeEqual(Buffer.from(expected), Buffer.from(signature));
}

/** The refusal, in the protocol the caller speaks: AWS's `{__type, message}` on the SFN endpoint, the API's envelope elsewhere. */
function refuse(path: string, error: UnauthorizedError | ForbiddenError): ProxyResult {
  if (!path.startsWith('/local/sfn')) return renderError(familyOfPath(path), error);
  const type = error instanceof ForbiddenError ? 'AccessDeniedException' : 'UnrecognizedClientException';
  return {
    statusCode: error.statusCode,
    headers: { 'content-type': 'application/x-amz-json-1.0' },
    body: JSON.stringify({ __type: type, message: error.message }),
  };
}

/**
 * A local endpoint that answers first for every `/local` path: it lets the request through (undefined)
 * when signed with the runtime's credentials or sent with an admin token, and refuses it otherwise
 * (401 without valid credentials, 403 for a token that is not an admin's).
 */
export function localAccessGuard(
  credentials: LocalCredentials,
  callerForToken: (token: string) => Promise<{ role: string } | undefined>,
  bearerToken: (headers: Record<string, string>) => string | undefined,
): LocalEndpoint {
  return async (request) => {
    if (request.path !== '/local' && !request.path.startsWith('/local/')) return undefined;
    // The local chart repository: helm downloads index.yaml and packages without a token. Reads only.
    if (isPublicChartRequest(request)) return undefined;
    const authorization = request.headers.authorization ?? '';
    if (authorization.startsWith('AWS4-HMAC-SHA256')) {
      if (await hasValidSignature(request, credentials)) return undefined;
      return refuse(request.path, new ForbiddenError('the request signature does not match the local runtime credentials'));
    }
    const token = bearerToken(request.headers);
    if (!token) return refuse(request.path, new UnauthorizedError('missing bearer token: /local/* needs an admin token (Authorization: Bearer <token>)'));
    const caller = await callerForToken(token);
    if (!caller) return refuse(request.path, new UnauthorizedError('invalid or revoked bearer token'));
    if (caller.role !== 'admin') return refuse(request.path, new ForbiddenError(`role ${caller.role} may not use /local/*; it needs admin`));
    return undefined;
  };
}
