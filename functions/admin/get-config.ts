import { httpHandler } from '#shared/http.js';
import { ConfigViewSchema } from './config-schemas.js';
import { describeConfig } from './config-service.js';

/** The Helm API's settings: each with its current value, default, bounds and meaning. Never a kubeconfig or any other secret. */
export const handler = httpHandler({ response: ConfigViewSchema }, async () => ({ data: await describeConfig() }));
