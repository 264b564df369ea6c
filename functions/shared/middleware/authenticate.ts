import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import type { Route } from '#shared/route.js';
import { allows, refusal } from '#shared/auth.js';
import type { Caller } from '../auth.js';
import { bearerToken, callerForToken } from '../auth.js';
import { ForbiddenError, UnauthorizedError } from '../errors.js';

export type AuthenticatedEvent = APIGatewayProxyEvent & { caller?: Caller; route?: Route };

/**
 * Checks the bearer token and the route's required role. Done in the function rather than by an
 * API Gateway authorizer so that 401 and 403 are rendered in each family's own envelope.
 */
export function authenticate(): MiddlewareObj<AuthenticatedEvent> {
  const authenticateMiddlewareBefore: MiddlewareObj<AuthenticatedEvent>['before'] = async (request) => {
    const current = request.event.route;
    if (!current || current.access === 'public') return;
    const token = bearerToken(request.event.headers);
    if (!token) throw new UnauthorizedError('missing bearer token: send Authorization: Bearer <token>');
    const caller = await callerForToken(token);
    if (!caller) throw new UnauthorizedError('invalid or revoked bearer token');
    if (!allows(current.access, caller.role)) {
      throw new ForbiddenError(`role ${caller.role} may not ${current.method} ${current.path}: ${refusal(current.access, caller.role)}`);
    }
    request.event.caller = caller;
  };
  return { before: authenticateMiddlewareBefore };
}
