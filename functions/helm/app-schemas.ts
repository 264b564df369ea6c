import * as z from 'zod';

/** Answer schemas of the app routes, for the OpenAPI document. */

const Resource = z.object({ kind: z.string(), name: z.string(), namespace: z.string(), ready: z.boolean(), message: z.string() });
const Pods = z.object({ ready: z.number().int(), total: z.number().int() });

export const V3AppSchema = z.object({
  id: z.string(),
  baseType: z.literal('app'),
  type: z.literal('app'),
  name: z.string(),
  state: z.enum(['installing', 'active', 'upgrading', 'removing', 'removed', 'error']),
  targetNamespace: z.string(),
  externalId: z.string(),
  projectId: z.string(),
  created: z.string(),
  transitioning: z.enum(['yes', 'no', 'error']),
  transitioningMessage: z.string().optional(),
  actionLinks: z.object({ rollback: z.string(), upgrade: z.string() }),
  links: z.object({ self: z.string(), remove: z.string(), revisions: z.string() }),
  answers: z.record(z.string(), z.string()),
  valuesYaml: z.string().optional(),
  wait: z.boolean(),
  timeout: z.number().int(),
  prune: z.boolean(),
  revision: z.number().int(),
  updated: z.string(),
  resources: z.array(Resource).optional(),
  pods: Pods.optional(),
  paused: z.boolean().optional(),
});

export const V3AppSummarySchema = z.object({ id: z.string(), name: z.string(), state: z.string(), targetNamespace: z.string() });
export const PaginationSchema = z.object({
  pagination: z.object({ page: z.number().int(), page_size: z.number().int(), total: z.number().int(), total_page: z.number().int() }),
});

export const V1AppSchema = z.object({
  name: z.string(),
  namespace: z.string(),
  chart: z.string(),
  version: z.string(),
  values: z.record(z.string(), z.unknown()),
  status: z.string(),
  transitioning: z.enum(['yes', 'no', 'error']),
  message: z.string(),
  revision: z.number().int(),
  paused: z.boolean(),
  created_at: z.string(),
  updated_at: z.string(),
  operation: z.object({ id: z.string(), kind: z.string(), started_at: z.string() }).optional(),
  resources: z.array(Resource).optional(),
  pods: Pods.optional(),
});

export const RevisionSchema = z.object({
  revisionId: z.string().nullable(),
  revision: z.number().int().nullable(),
  operation: z.string(),
  operationId: z.string(),
  chart: z.string(),
  version: z.string(),
  status: z.enum(['running', 'succeeded', 'failed']),
  who: z.string(),
  started: z.string(),
  ended: z.string().nullable(),
  changes: z.array(z.string()),
  message: z.string(),
  recovered: z.string().optional(),
});
