import type { z } from 'zod';

/**
 * One documented answer of a route, for the OpenAPI document (`functions/shared/openapi.ts` wraps
 * it in the route family's envelope). Declared in each handler file beside the code that produces
 * it, so the document and the handler are read together.
 */
export type ResponseDoc = Readonly<{
  /** What the envelope's `data` holds; with `raw`, the whole body. Omit for an answer with no body (304). */
  data?: z.ZodType;
  /** The body is `data` itself, no envelope (`/health`, `/ready`, `/openapi.json`). */
  raw?: true;
  /** Top-level fields beside `data` in the envelope (helm pagination). */
  extra?: z.ZodObject;
  /** The answer is the family's error envelope (a status the handler throws, such as the long poll's 408). */
  error?: true;
  /** Response headers a client needs, by name, with what each means (configs' `ETag`). */
  headers?: Readonly<Record<string, string>>;
  description?: string;
}>;

/** A route's answers: its success `data` schema (HTTP 200), or its answers by status. */
export type ResponseSchemas = z.ZodType | Readonly<Record<number, ResponseDoc>>;
