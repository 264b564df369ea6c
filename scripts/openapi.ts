import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { ROUTES } from '../functions/routes.js';
import type { HttpHandler } from '../functions/shared/http.js';
import { buildOpenApi } from '../functions/shared/openapi.js';
import { installLambdaStreamingGlobal } from '../local/lambda-streaming.js';

/** Path of the checked-in document, served by `GET /openapi.json`. */
export const OPENAPI_FILE = new URL('../docs/openapi.json', import.meta.url);

/** Imports every handler module of the route table and builds the OpenAPI document from them. */
export async function generateOpenApi(): Promise<string> {
  // Streaming handlers need the Lambda runtime's `awslambda` global when their module loads.
  installLambdaStreamingGlobal();
  const modules = new Map<string, HttpHandler>();
  for (const route of ROUTES) {
    if (modules.has(route.entry)) continue;
    const mod = (await import(pathToFileURL(new URL(`../functions/${route.entry}.ts`, import.meta.url).pathname).href)) as { handler: HttpHandler };
    modules.set(route.entry, mod.handler);
  }
  const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  const doc = buildOpenApi(ROUTES, (route) => modules.get(route.entry)?.schemas ?? {}, version);
  return `${JSON.stringify(doc, null, 2)}\n`;
}
