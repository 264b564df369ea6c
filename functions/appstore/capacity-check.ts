import type { CatalogEntry } from './catalog.js';
import type { Language } from './messages.js';

/** TEMPORARY (wired to capacity.ts when the catalog branch lands): no check. */
export async function checkCapacityFor(_entry: CatalogEntry, _language: Language): Promise<string | undefined> {
  return undefined;
}
