import { lifecycleHandler } from './lifecycle.js';

/** AppUpgrade: moves the app to another catalog version (app_version) with the same credentials. */
export const handler = lifecycleHandler('upgrade');
