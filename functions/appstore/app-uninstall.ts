import { lifecycleHandler } from './lifecycle.js';

/** AppUninstall: removes the app; keep_data (required) true keeps its volumes for a reinstall under the same name, false deletes them. */
export const handler = lifecycleHandler('uninstall');
