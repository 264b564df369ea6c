import { lifecycleHandler } from './lifecycle.js';

/** AppStart: scales a stopped app back to its replicas. */
export const handler = lifecycleHandler('start');
