import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import type { z } from 'zod';
import type { Route } from '#shared/route.js';
import { routeFor } from '#functions/routes.js';
import type { Caller } from './auth.js';
import type { Family, HttpResult, ProxyResult } from './families.js';
import { familyOfPath, renderSuccess } from './families.js';
import { authenticate } from './middleware/authenticate.js';
import { errorRenderer } from './middleware/error-renderer.js';
import { jsonBody } from './middleware/json-body.js';
import type { RequestSchemas, ValidatedEvent } from './middleware/validate.js';
import { validate } from './middleware/validate.js';
import { logger, metrics, tracingMiddlewares } from './observability.js';
import type { ResponseSchemas } from './responses.js';
import { streamifyResult } from './response-streaming.js';

type Infer<S> = S extends z.ZodType ? z.infer<S> : undefined;

/** The request schemas the middleware validates, and what the handler answers (for the OpenAPI document only). */
export type HandlerSchemas = RequestSchemas & Readonly<{ response?: ResponseSchemas }>;

/** What a handler function receives: validated input and the authenticated caller. */
export type HttpRequest<S extends RequestSchemas> = Readonly<{
  body: Infer<S['body']>;
  query: Infer<S['query']>;
  path: Infer<S['path']>;
  caller: Caller | undefined;
  event: APIGatewayProxyEvent;
  route: Route;
}>;

export type HttpHandler = ((event: APIGatewayProxyEvent, context: Context) => Promise<ProxyResult>) & {
  /** The request and response schemas, read by the OpenAPI generator. */
  readonly schemas: HandlerSchemas;
  /** Whether the handler answers through Lambda response streaming (the route must say so too). */
  readonly streaming: boolean;
};

type Event = ValidatedEvent & { caller?: Caller; route?: Route };

/**
 * Powertools metrics and the `Requests` count, where metrics are on (in AWS). Where they are off
 * (`POWERTOOLS_METRICS_DISABLED`, the local runtime) Powertools would store and drop them on every
 * request, so the middlewares are left out.
 */
const metricsMiddlewares: middy.MiddlewareObj<Event, ProxyResult>[] = metrics.off
  ? []
  : [
      logMetrics(metrics),
      {
        before: function countRequestBefore() {
          metrics.addMetric('Requests', MetricUnit.Count, 1);
        },
      },
    ];

/** The family whose envelope an event's answer uses: its route's, else the one its path implies. */
function familyOf(event: Event): Family {
  return event.route?.family ?? familyOfPath(event.path ?? '/');
}

/**
 * Wraps a handler function in the house middy stack: Powertools tracer, logger and metrics; one
 * error renderer for the route's family; bearer-token authentication and role check from the route
 * table; JSON body parsing (1 MiB cap); zod validation of body, query and path. The route is found
 * from the event's `resource` and `httpMethod`, which API Gateway and the local gateway both set.
 * `schemas.response` describes the answer for the OpenAPI document; it is not checked at run time
 * (the end-to-end tests check every answer against the document).
 */
export function httpHandler<S extends HandlerSchemas>(
  schemas: S,
  fn: (request: HttpRequest<S>) => Promise<HttpResult>,
  options: { streaming?: boolean } = {},
): HttpHandler {
  const core = async (event: Event): Promise<ProxyResult> => {
    const current = event.route;
    if (!current) throw new Error(`no route for ${event.httpMethod} ${event.resource}`);
    const validated = event.validated ?? { body: undefined, query: undefined, path: undefined };
    const result = await fn({
      body: validated.body as Infer<S['body']>,
      query: validated.query as Infer<S['query']>,
      path: validated.path as Infer<S['path']>,
      caller: event.caller,
      event,
      route: current,
    });
    return renderSuccess(current.family, result);
  };

  const wrapped = middy<Event, ProxyResult>()
    .use({
      before: function resolveRouteBefore(request: middy.Request<Event, ProxyResult>) {
        request.event.route = routeFor(request.event.httpMethod, request.event.resource);
      },
    })
    .use(tracingMiddlewares)
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(metricsMiddlewares)
    .use(errorRenderer(familyOf))
    .use(authenticate())
    .use(jsonBody())
    .use(validate(schemas))
    .handler(core);

  // Streaming (API Gateway STREAM mode) lifts the 29 s and 6 MB limits for long polls and large pages.
  const entry = options.streaming === true ? streamifyResult(wrapped) : wrapped;
  return Object.assign(entry as unknown as (event: APIGatewayProxyEvent, context: Context) => Promise<ProxyResult>, {
    schemas,
    streaming: options.streaming === true,
  });
}
