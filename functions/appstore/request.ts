import type { APIGatewayProxyEvent } from 'aws-lambda';
import * as z from 'zod';
import { requireAppStoreHeaders } from './headers.js';
import type { Language } from './messages.js';
import { AppStoreError } from './messages.js';

/**
 * An app store request: the two headers, and the parameters from the JSON body (POST) or the query
 * string (GET), which CONTRACTS.md allows for AppStatus and AppList. Parameters are checked here,
 * not by the shared middleware, because each missing or malformed one has its own document code.
 */
export type StoreRequest = Readonly<{ language: Language; param: (name: string) => string | undefined; raw: Record<string, unknown> }>;

export function storeRequest(event: APIGatewayProxyEvent & { parsedBody?: unknown }): StoreRequest {
  const language = requireAppStoreHeaders(event);
  const body = event.parsedBody;
  const raw: Record<string, unknown> = {
    ...(event.queryStringParameters ?? {}),
    ...(body && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : {}),
  };
  const param = (name: string) => {
    const value = raw[name];
    if (value === undefined || value === null) return undefined;
    return typeof value === 'string' ? value.trim() : typeof value === 'number' || typeof value === 'boolean' ? String(value) : JSON.stringify(value);
  };
  return { language, param, raw };
}

/** An app id: the document's `app_id` rules (lowercase letters and digits; at most 40, so `app-<id>` is a namespace). */
export function appIdOf(request: StoreRequest): string {
  const appId = request.param('app_id');
  if (!appId) throw new AppStoreError('Param.APP_ID.Blank', request.language);
  if (!/^[a-z0-9]{1,40}$/.test(appId)) throw new AppStoreError('Param.APP_ID.FormatError', request.language, appId.slice(0, 64));
  return appId;
}

/** Documentation only (the handler checks each parameter with its own code): what a route takes. */
export const AppIdQuerySchema = z.object({ app_id: z.string().optional().describe('the app id (customer_app_name); or in a JSON body') });
export const AppNameQuerySchema = z.object({ app_name: z.string().optional().describe('only the apps of this catalog app; or in a JSON body') });
