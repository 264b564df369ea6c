import { httpHandler } from '#shared/http.js';

/** Liveness: answers whenever the function runs; checks no dependency. */
export const handler = httpHandler({}, async () => ({ raw: true, data: { status: 'OK' } }));
