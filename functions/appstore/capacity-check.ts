import { kubeConfigFor, writeKubeconfigFile } from '#functions/helm/clusters.js';
import { checkCapacity } from './capacity.js';
import type { CatalogEntry } from './catalog.js';
import { entryValues } from './catalog.js';
import type { Language } from './messages.js';

/**
 * The capacity check of an install or an upgrade of `appId` (capacity.ts): what is short, in the
 * caller's language, or undefined when the app fits. An upgrade counts the app's own pods and
 * claims as free, so it is refused only for what it adds.
 */
export async function capacityShortage(entry: CatalogEntry, appId: string, language: Language, upgrade = false): Promise<string | undefined> {
  const [kc, kubeconfig] = await Promise.all([kubeConfigFor('default'), writeKubeconfigFile('default')]);
  const check = await checkCapacity(entry, entryValues(entry, appId), { kc, kubeconfig }, { release: appId, namespace: `app-${appId}`, upgrade });
  return check.shortages.length > 0 ? check.message[language] : undefined;
}
