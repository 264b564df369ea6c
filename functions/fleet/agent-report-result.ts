import { httpHandler } from '#shared/http.js';
import { result } from './agent-service.js';
import { CommandPathSchema, ResultBodySchema } from './schemas.js';

export const handler = httpHandler({ path: CommandPathSchema, body: ResultBodySchema }, async ({ path, body, caller }) => ({
  data: await result(caller, path.command_id, body),
}));
