import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import type { Family, ProxyResult } from '../families.js';
import { renderError } from '../families.js';
import { HttpError } from '../errors.js';
import { logger } from '../observability.js';

/**
 * Renders any error thrown below it in the route's family envelope. Expected errors (`HttpError`
 * under 500) are logged at info; anything else at error with its stack, which never reaches the caller.
 */
export function errorRenderer<E extends APIGatewayProxyEvent>(familyOf: (event: E) => Family): MiddlewareObj<E, ProxyResult> {
  const errorRendererMiddlewareOnError: MiddlewareObj<E, ProxyResult>['onError'] = (request) => {
    const { error } = request;
    if (error instanceof HttpError && error.statusCode < 500) {
      logger.info('request refused', { status: error.statusCode, reason: error.message });
    } else {
      logger.error('request failed', { error: error as Error });
    }
    request.response = renderError(familyOf(request.event), error);
  };
  return { onError: errorRendererMiddlewareOnError };
}
