import { httpHandler } from '#shared/http.js';
import { acknowledge } from './agent-service.js';
import { CommandPathSchema } from './schemas.js';

export const handler = httpHandler({ path: CommandPathSchema }, async ({ path, caller }) => ({ data: await acknowledge(caller, path.command_id) }));
