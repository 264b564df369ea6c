/**
 * A request header's value by name, whatever its case: API Gateway passes headers with the casing
 * the client sent (`Authorization`, `authorization`, `AUTHORIZATION`). Only the object's own entries
 * are read, compared by lower-cased name, so a header called `constructor` or `__proto__` is plain
 * data and never an `Object.prototype` member. The first matching header wins.
 */
export function headerValue(headers: Readonly<Record<string, string | undefined>> | null | undefined, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers ?? {})) if (key.toLowerCase() === wanted) return value;
  return undefined;
}
