import { httpHandler } from '#shared/http.js';
import { result } from './agent-service.js';
import { CommandPathSchema, CommandAnswerResponses, ResultBodySchema } from './schemas.js';

export const handler = httpHandler({ path: CommandPathSchema, body: ResultBodySchema, response: CommandAnswerResponses }, async ({ path, body, caller }) => ({
  data: await result(caller, path.command_id, body),
}));
