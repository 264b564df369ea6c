import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import type { z } from 'zod';
import { ValidationError } from '../errors.js';
import { pathValueProblem } from '../validation.js';

export type RequestSchemas = Readonly<{ body?: z.ZodType; query?: z.ZodType; path?: z.ZodType }>;

export type ValidatedEvent = APIGatewayProxyEvent & {
  parsedBody?: unknown;
  validated?: { body: unknown; query: unknown; path: unknown };
};

/** Where an issue is: its path, or for an unknown key the key itself (zod reports those on the parent). */
function issuePath(issue: z.core.$ZodIssue): PropertyKey[] {
  return issue.code === 'unrecognized_keys' && issue.keys[0] !== undefined ? [...issue.path, issue.keys[0]] : issue.path;
}

/** Formats the first zod issue as `<where> field "<path>": <message>`, so a caller knows what to fix. */
export function describeIssue(where: string, error: z.ZodError): ValidationError {
  const issue = error.issues[0];
  const path = issue ? issuePath(issue) : [];
  const field = path.length > 0 ? path.map(String).join('.') : where;
  const message = issue?.message ?? 'invalid';
  return new ValidationError(`invalid ${where} field "${field}": ${message}`, {
    field,
    details: error.issues.slice(0, 5).map((i) => ({ field: issuePath(i).map(String).join('.'), message: i.message })),
  });
}

function parsePart(where: string, schema: z.ZodType | undefined, value: unknown): unknown {
  if (!schema) return value;
  const result = schema.safeParse(value);
  if (!result.success) throw describeIssue(where, result.error);
  return result.data;
}

/** Validates body, query string and path parameters against the handler's schemas. */
export function validate(schemas: RequestSchemas): MiddlewareObj<ValidatedEvent> {
  const validateMiddlewareBefore: MiddlewareObj<ValidatedEvent>['before'] = (request) => {
    const { event } = request;
    if (schemas.body && event.parsedBody === undefined) {
      throw new ValidationError('request body is required (application/json)', { field: 'body' });
    }
    // In AWS, API Gateway matches the route and hands over decoded values, so the check the local
    // router makes on the path is made again here, for every route.
    for (const [name, value] of Object.entries(event.pathParameters ?? {})) {
      const problem = value === undefined ? undefined : pathValueProblem(value);
      if (problem) throw new ValidationError(`invalid path field "${name}": ${problem}`, { field: name });
    }
    event.validated = {
      path: parsePart('path', schemas.path, event.pathParameters ?? {}),
      query: parsePart('query', schemas.query, event.queryStringParameters ?? {}),
      body: parsePart('body', schemas.body, event.parsedBody),
    };
  };
  return { before: validateMiddlewareBefore };
}
