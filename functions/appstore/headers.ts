import type { APIGatewayProxyEvent } from 'aws-lambda';
import { headerValue } from '#shared/headers.js';
import type { Language } from './messages.js';
import { AppStoreError, LANGUAGES } from './messages.js';

/** The API versions the `Version` header may name. */
export const SUPPORTED_VERSIONS = ['1.0'] as const;

/**
 * The document's two required headers. `Language` picks the messages (`zh-CN`, `en-US`); a
 * missing or unknown `Language` is answered in Chinese, the document's language.
 */
export function requireAppStoreHeaders(event: APIGatewayProxyEvent): Language {
  const language = headerValue(event.headers, 'language')?.trim();
  const version = headerValue(event.headers, 'version')?.trim();
  if (!language) throw new AppStoreError('Param.Language.Blank', 'zh-CN');
  const known = LANGUAGES.find((l) => l.toLowerCase() === language.toLowerCase());
  if (!known) throw new AppStoreError('Param.Language.Unsupported', 'zh-CN', language.slice(0, 64));
  if (!version) throw new AppStoreError('Param.Version.Blank', known);
  if (!(SUPPORTED_VERSIONS as readonly string[]).includes(version)) throw new AppStoreError('Param.Version.Unsupported', known, version.slice(0, 64));
  return known;
}
