/** JSON values as they travel between states, tasks and the Step Functions API. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `JSON.parse` yields a JsonValue by construction; this is the one place that says so. */
export function parseJson(text: string): JsonValue {
  return JSON.parse(text) as JsonValue;
}

/**
 * What a value becomes once serialized the way Lambda and Step Functions do it: dates become
 * strings, `undefined` disappears, a missing result is `null`. Handlers therefore cannot leak
 * in-process objects (or shared mutable state) into the workflow.
 */
export function toJson(value: unknown): JsonValue {
  const text = JSON.stringify(value);
  return text === undefined ? null : parseJson(text);
}

/** Replaces every occurrence of `search` inside the strings of a JSON value. */
export function replaceInStrings(value: JsonValue, search: string, replacement: string): JsonValue {
  if (typeof value === 'string') return value.replaceAll(search, replacement);
  if (Array.isArray(value)) return value.map((item) => replaceInStrings(item, search, replacement));
  if (isJsonObject(value)) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, replaceInStrings(item, search, replacement)]));
  }
  return value;
}
