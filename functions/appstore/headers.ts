import type { APIGatewayProxyEvent } from 'aws-lambda';
import { ValidationError } from '#shared/errors.js';
import { headerValue } from '#shared/headers.js';

/*
 * MINIMAL STAND-IN (branch `catalog`): the lead writes the real `functions/appstore/headers.ts` with
 * this exact signature and takes theirs at merge. Only what the catalog routes need is here.
 */

/** Interface versions this API serves (the `Version` header). */
export const APPSTORE_VERSIONS = ['1.0'] as const;
/** Languages of the messages (the `Language` header). */
export const APPSTORE_LANGUAGES = ['zh-CN', 'en-US'] as const;
export type AppStoreLanguage = (typeof APPSTORE_LANGUAGES)[number];

/** Checks the app store's common headers (app-store.md, 请求头) and returns the language of the answer. */
export function requireAppStoreHeaders(event: APIGatewayProxyEvent): AppStoreLanguage {
  const version = headerValue(event.headers, 'Version')?.trim();
  const language = headerValue(event.headers, 'Language')?.trim();
  if (!version) throw new ValidationError('the Version header is required (supported: 1.0)', { code: 'Param.Version.Blank', field: 'Version' });
  if (!(APPSTORE_VERSIONS as readonly string[]).includes(version))
    throw new ValidationError(`Version "${version}" is not supported (supported: ${APPSTORE_VERSIONS.join(', ')})`, { code: 'Param.Version.FormatError' });
  if (!language) throw new ValidationError('the Language header is required (zh-CN or en-US)', { code: 'Param.Language.Blank', field: 'Language' });
  const found = APPSTORE_LANGUAGES.find((l) => l.toLowerCase() === language.toLowerCase());
  if (!found) throw new ValidationError(`Language "${language}" is not supported (zh-CN or en-US)`, { code: 'Param.Language.FormatError' });
  return found;
}
