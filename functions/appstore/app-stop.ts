import { lifecycleHandler } from './lifecycle.js';

/** AppStop: scales the app to zero; its data (volumes) stays. */
export const handler = lifecycleHandler('stop');
