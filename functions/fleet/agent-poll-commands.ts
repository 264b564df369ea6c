import { httpHandler } from '#shared/http.js';
import { pollCommands } from './agent-service.js';
import { AgentCommandsSchema, PollQuerySchema } from './schemas.js';

/** The agent's long poll for commands (held at most `command_wait_seconds`, 0 in AWS). */
export const handler = httpHandler(
  { query: PollQuerySchema, response: { 200: { data: AgentCommandsSchema }, 404: { error: true } } },
  async ({ query, caller }) => ({
    data: await pollCommands(caller, query.service, query.instance_id, query.wait),
  }),
);
