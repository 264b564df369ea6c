import * as z from 'zod';
import { boolParam, intParam, multiLine, NameSchema, pathValueProblem, singleLine } from '#shared/validation.js';
import type { NamespacePath } from './keys.js';

/**
 * Request schemas shared by the configuration-center handlers. Path parameter names are the same at
 * every level (API Gateway requires one name per position), and `env` is lower-cased.
 */
const Env = NameSchema.transform((v) => v.toLowerCase());

export const EnvPathSchema = z.object({ env: Env });
export const AppPathSchema = EnvPathSchema.extend({ app_name: NameSchema });
export const ClusterPathSchema = AppPathSchema.extend({ cluster_name: NameSchema });
export const NamespacePathSchema = ClusterPathSchema.extend({ namespace_name: NameSchema });

/**
 * Item keys: 1–256 characters, no control characters, and no `.` or `..` between slashes — a key is
 * also a path value (`…/items/{key}`), where those are refused as traversal attempts.
 */
export const ItemKeySchema = z
  .string()
  .min(1, 'must not be empty')
  .max(256, 'must be at most 256 characters')
  .regex(/^[^\p{Cc}]+$/u, 'must not contain control characters')
  .refine((v) => pathValueProblem(v) === undefined, 'must not have "." or ".." between slashes');
export const ItemPathSchema = NamespacePathSchema.extend({ key: ItemKeySchema });
export const ReleasePathSchema = NamespacePathSchema.extend({ release_id: z.string().max(64, 'must be at most 64 characters') });

export const toNamespace = (p: z.infer<typeof NamespacePathSchema>): NamespacePath => ({
  env: p.env,
  app: p.app_name,
  cluster: p.cluster_name,
  namespace: p.namespace_name,
});

/** Page/size query with the route's default and maximum size. */
export function pageQuery(defaultSize: number, maxSize: number) {
  return z.object({
    page: intParam('page', { min: 1, max: 1_000_000, default: 1 }),
    size: intParam('size', { min: 1, max: maxSize, default: defaultSize }),
  });
}

export const ForceQuerySchema = z.object({ force: boolParam(false) });

/** Descriptions and release comments: free text, line breaks and tabs allowed. */
export const DescriptionSchema = multiLine(z.string().max(1024, 'must be at most 1024 characters'));

/** Accepts the document's snake_case field and its camelCase twin (`app_name` / `appName`). */
export function eitherCase<S extends z.ZodType>(snake: string, camel: string, schema: S) {
  return z.preprocess((body) => {
    if (body && typeof body === 'object' && !Array.isArray(body) && !(snake in body) && camel in body) {
      const { [camel]: value, ...rest } = body as Record<string, unknown>;
      return { ...rest, [snake]: value };
    }
    return body;
  }, schema);
}

/** Operator names in release bodies: who published, for audit and display. */
export const OperatorSchema = singleLine(z.string().min(1, 'must not be empty').max(64, 'must be at most 64 characters'));
