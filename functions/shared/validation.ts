import * as z from 'zod';

const DECIMAL_DIGITS = /^[0-9]+$/;

/**
 * Schema pieces shared by the families. Query strings arrive as strings, so numbers are parsed;
 * out-of-range pages and sizes are a 400 (CONTRACTS.md: page starts at 1).
 */
export function intParam(name: string, options: { min: number; max: number; default: number }) {
  return z
    .string()
    .optional()
    .transform((value, ctx) => {
      if (value === undefined || value === '') return options.default;
      // Only decimal digits: `Number()` would also take "0x10", "1e3", " 1", "1.0" and "+5".
      const n = DECIMAL_DIGITS.test(value) ? Number(value) : NaN;
      if (!Number.isSafeInteger(n) || n < options.min || n > options.max) {
        ctx.addIssue({ code: 'custom', message: `${name} must be an integer from ${options.min} to ${options.max}, in decimal digits only` });
        return z.NEVER;
      }
      return n;
    });
}

export function boolParam(defaultValue: boolean) {
  return z
    .enum(['true', 'false', '1', '0'], { message: 'must be true or false' })
    .optional()
    .transform((value) => (value === undefined ? defaultValue : value === 'true' || value === '1'));
}

/** Names of users, apps and the like: letters, digits, `_`, `-`, `.`, at most 64 characters. */
export const NameSchema = z
  .string()
  .min(1, 'must not be empty')
  .max(64, 'must be at most 64 characters')
  .regex(/^[A-Za-z0-9_.-]+$/, 'may contain only letters, digits, "_", "-" and "."')
  .refine((v) => v !== '.' && v !== '..', 'must not be "." or ".."');

/** Slices an in-memory list for helm-style pagination and returns the pagination block. */
export function paginate<T>(all: readonly T[], page: number, pageSize: number) {
  const total = all.length;
  return {
    items: all.slice((page - 1) * pageSize, page * pageSize),
    pagination: { page, page_size: pageSize, total, total_page: Math.max(1, Math.ceil(total / pageSize)) },
  };
}
