import { httpHandler } from '#shared/http.js';
import { register } from './agent-service.js';
import { RegisterBodySchema } from './schemas.js';

/** An agent registers its instance (the first registration creates the service). */
export const handler = httpHandler({ body: RegisterBodySchema }, async ({ body, caller }) => ({ message: 'registered', data: await register(caller, body) }));
