import { httpHandler } from '#shared/http.js';
import { acknowledge } from './agent-service.js';
import { CommandPathSchema, CommandAnswerResponses } from './schemas.js';

export const handler = httpHandler({ path: CommandPathSchema, response: CommandAnswerResponses }, async ({ path, caller }) => ({
  data: await acknowledge(caller, path.command_id),
}));
