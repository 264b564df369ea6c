import type { APIGatewayProxyEvent } from 'aws-lambda';
import { NotFoundError } from '#shared/errors.js';
import type { ProxyResult } from '#shared/families.js';
import { familyOfPath, renderError } from '#shared/families.js';
import { unmatchedResponse } from '#shared/router.js';

/**
 * API Gateway's fallback (an ANY method on every resource and a root `{proxy+}`): answers what no
 * route serves with 404 or 405 in the family's envelope, instead of API Gateway's bare 403. It reads
 * nothing and needs no token, like the local gateway's own refusal.
 */
export const handler = async (event: APIGatewayProxyEvent): Promise<ProxyResult> =>
  unmatchedResponse(event.httpMethod, event.path) ?? renderError(familyOfPath(event.path), new NotFoundError(`no route for ${event.httpMethod} ${event.path}`));
