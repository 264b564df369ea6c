import { httpHandler } from '#shared/http.js';
import { acknowledge } from './agent-service.js';
import { CommandPathSchema, EmptySchema } from './schemas.js';

export const handler = httpHandler({ path: CommandPathSchema, response: EmptySchema }, async ({ path }) => ({ data: await acknowledge(path.command_id) }));
