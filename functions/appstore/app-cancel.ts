import { lifecycleHandler } from './lifecycle.js';

/** AppCancel: stops a queued or running install and removes what it created. */
export const handler = lifecycleHandler('cancel');
