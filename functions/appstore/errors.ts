import { HttpError, NotFoundError } from '#shared/errors.js';

/**
 * App store errors of the catalog and the capacity check. Each carries its app-store code; the
 * family renders it as HTTP 404 `{"ResponseData": {"Error": {"Code", "Message"}}}`.
 */

/** No catalog entry for that app and version. */
export class CatalogEntryNotFoundError extends NotFoundError {
  override name = 'CatalogEntryNotFoundError';
  constructor(appName: string, version: string) {
    super(`the catalog has no app "${appName}" in version "${version}"; GET /AppCatalogList lists what it has`, { code: 'Catalog.NotExis' });
  }
}

/** The cluster has less free capacity than the app needs (app-store.md `Requirement.NotEnough`). */
export class RequirementNotEnoughError extends HttpError {
  override name = 'RequirementNotEnoughError';
  constructor(message: string, details: unknown) {
    super(409, message, { code: 'Requirement.NotEnough', details });
  }
}
