import { httpHandler } from '#shared/http.js';
import { LivenessSchema } from './schemas.js';

/** Liveness: answers whenever the function runs; checks no dependency. */
export const handler = httpHandler({ response: { 200: { raw: true, data: LivenessSchema } } }, async () => ({ raw: true, data: { status: 'OK' } }));
