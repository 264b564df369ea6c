import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { familyOfPath } from '../../functions/shared/families.js';

/**
 * Checks an answer of the local gateway against docs/openapi.json, so the document cannot drift
 * from the behaviour: every end-to-end test's requests go through `call` (runtime.ts), which calls
 * this. The operation is found by method and path template, the response by status (or `default`).
 */

type JsonObject = Record<string, unknown>;
type ResponseObject = { description?: string; content?: Record<string, { schema: JsonObject }>; $ref?: string };
type Operation = { responses: Record<string, ResponseObject> };
type OpenApi = {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, JsonObject>; responses: Record<string, ResponseObject> };
};

const doc = JSON.parse(readFileSync(new URL('../../docs/openapi.json', import.meta.url), 'utf8')) as OpenApi;

// ajv-formats is CommonJS; under NodeNext its default import is the module object, whose `default` is the plugin.
const ajv = new Ajv2020({ allErrors: true, strict: false });
addFormatsModule.default(ajv);

const ERROR_SCHEMA = { helm: 'HelmError', appstore: 'AppStoreError', kvconfig: 'KvconfigError', release: 'ReleaseError' } as const;

/** Path templates, literal ones first, so `/admin/users` is never taken for `/admin/users/{id}`. */
const TEMPLATES = Object.keys(doc.paths)
  .map((template) => ({
    template,
    params: (template.match(/\{/g) ?? []).length,
    pattern: new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{\w+\\?\}/g, '[^/]+')}$`),
  }))
  .sort((a, b) => a.params - b.params);

const compiled = new Map<string, ValidateFunction>();

/** Compiles a schema of the document, its `#/components/schemas/…` references resolved as `$defs`. */
function validatorFor(key: string, schema: JsonObject): ValidateFunction {
  let validate = compiled.get(key);
  if (!validate) {
    const rooted = JSON.parse(JSON.stringify(schema).replaceAll('#/components/schemas/', '#/$defs/')) as JsonObject;
    validate = ajv.compile({ ...rooted, $defs: doc.components.schemas });
    compiled.set(key, validate);
  }
  return validate;
}

function resolve(response: ResponseObject): ResponseObject {
  const name = response.$ref?.replace('#/components/responses/', '');
  return name ? (doc.components.responses[name] ?? response) : response;
}

/** Why an answer does not match the document, or undefined when it does (or is not the API's). */
export function openApiMismatch(method: string, url: string, status: number, text: string): string | undefined {
  const path = url.split('?')[0] ?? url;
  if (path.startsWith('/local/')) return undefined; // The local cloud's own endpoints are not the API.
  const template = TEMPLATES.find((t) => t.pattern.test(path))?.template;
  const operation = template ? doc.paths[template]?.[method.toLowerCase()] : undefined;
  const where = `${method} ${path}${template ? ` (${template})` : ' (no route)'} answered ${status}`;
  let body: unknown;
  try {
    body = text === '' ? undefined : JSON.parse(text);
  } catch {
    return `${where} with a body that is not JSON: ${text.slice(0, 200)}`;
  }
  let key: string;
  let schema: JsonObject | undefined;
  if (!operation) {
    // No route: 404 and 405 (and any refusal before routing) come in the path's family error envelope.
    if (status < 400) return `${where}, but no operation of docs/openapi.json matches`;
    const name = ERROR_SCHEMA[familyOfPath(path)];
    if (!doc.components.schemas[name]) return undefined; // A family with no route yet has no envelope in the document.
    key = `#error/${name}`;
    schema = { $ref: `#/components/schemas/${name}` };
  } else {
    const documented = operation.responses[String(status)] ?? (status >= 400 ? operation.responses.default : undefined);
    if (!documented) return `${where}, a status docs/openapi.json does not document for this operation`;
    const response = resolve(documented);
    schema = response.content?.['application/json']?.schema;
    key = `${method} ${template} ${operation.responses[String(status)] ? status : 'default'}`;
    if (!schema) return body === undefined ? undefined : `${where} with a body, where docs/openapi.json documents none`;
  }
  const validate = validatorFor(key, schema);
  if (validate(body)) return undefined;
  const errors = (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`).join('; ');
  return `${where}, which does not match docs/openapi.json: ${errors}\nbody: ${text.slice(0, 500)}`;
}
