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

/**
 * What this API refuses in text (docs/platform.md, "What input is refused"). Control characters are
 * Unicode category Cc: U+0000–U+001F, U+007F and U+0080–U+009F.
 *
 * - Names, keys, ids and path values: no control character at all.
 * - Text a person writes (descriptions, comments) and item values: tab, line feed and carriage return
 *   are allowed (a value may be a multi-line file); every other control character is refused.
 */
const CONTROL = /\p{Cc}/u;
const CONTROL_EXCEPT_LINE_BREAKS = /(?![\t\n\r])\p{Cc}/u;

/** A string with no control character at all (names, keys, operators). */
export function singleLine<S extends z.ZodString>(schema: S) {
  return schema.refine((v) => !CONTROL.test(v), 'must not contain control characters (U+0000–U+001F, U+007F–U+009F)');
}

/** A string that may hold tabs and line breaks but no other control character (descriptions, values). */
export function multiLine<S extends z.ZodString>(schema: S) {
  return schema.refine((v) => !CONTROL_EXCEPT_LINE_BREAKS.test(v), 'must not contain control characters other than tab, line feed and carriage return');
}

/**
 * Why a decoded path value is refused, or undefined when it is fine. A value may hold an encoded
 * slash (`a%2Fb` is the one value "a/b"), but not a `.` or `..` component on either side of a slash
 * or backslash (`..%2F..%2Fetc`, `%2e%2e`): CONTRACTS.md answers traversal attempts with 400. Nor
 * may it hold a control character (`%00`, `%0A`).
 */
export function pathValueProblem(value: string): string | undefined {
  if (CONTROL.test(value)) return 'control characters are not allowed in a path';
  if (value.split(/[/\\]/).some((part) => part === '.' || part === '..')) return 'path traversal segments are not allowed';
  return undefined;
}
