import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { WorkflowDefinitionError } from './errors.js';
import type { JsonObject, JsonValue } from './json.js';
import { isJsonObject, parseJson, toJson } from './json.js';

const ASL_SUFFIX = '.asl.json';

/**
 * Reads every `*.asl.json` file of a folder (the project's `statemachines/`): state machine name
 * (the file name without `.asl.json`) → ASL text, ready for `WorkflowRunner`'s `definitions`.
 */
export async function loadStateMachineDefinitions(directory: string): Promise<Record<string, string>> {
  const files = (await readdir(directory)).filter((file) => file.endsWith(ASL_SUFFIX)).sort();
  const entries = await Promise.all(files.map(async (file) => [file.slice(0, -ASL_SUFFIX.length), await readFile(join(directory, file), 'utf8')] as const));
  return Object.fromEntries(entries);
}

/** Parses an ASL document given as text or as an object; throws WorkflowDefinitionError naming the machine. */
export function parseDefinition(machine: string, source: string | object): JsonObject {
  let parsed: JsonValue;
  try {
    parsed = typeof source === 'string' ? parseJson(source) : toJson(source);
  } catch (error) {
    throw new WorkflowDefinitionError(machine, `the definition is not JSON (${String(error)})`, { cause: error });
  }
  if (!isJsonObject(parsed) || typeof parsed.StartAt !== 'string' || !isJsonObject(parsed.States)) {
    throw new WorkflowDefinitionError(machine, 'the definition needs a StartAt string and a States object');
  }
  return parsed;
}

const PLACEHOLDER = /\$\{([^}]+)\}/g;

/**
 * Replaces `${Name}` in every string of a value with `substitutions[Name]`, as CloudFormation does
 * with `DefinitionSubstitutions`. Unknown placeholders stay as written, so a missing value shows up
 * in the data rather than as an empty string.
 */
export function substitute(value: JsonValue, substitutions: Readonly<Record<string, string>>): JsonValue {
  if (typeof value === 'string') return value.replace(PLACEHOLDER, (whole, name: string) => substitutions[name] ?? whole);
  if (Array.isArray(value)) return value.map((item) => substitute(item, substitutions));
  if (isJsonObject(value)) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, substitute(item, substitutions)]));
  }
  return value;
}

/** `Name` for `${Name}`; anything else (a literal ARN or name) is returned as written. */
export function placeholderName(reference: string): string {
  return /^\$\{([^}]+)\}$/.exec(reference)?.[1] ?? reference;
}
