import { httpHandler } from '#shared/http.js';
import { pollCommands } from './agent-service.js';
import { PollQuerySchema } from './schemas.js';

/** The agent's long poll for commands (held at most `command_wait_seconds`, 0 in AWS). */
export const handler = httpHandler({ query: PollQuerySchema }, async ({ query, caller }) => ({
  data: await pollCommands(caller, query.service, query.instance_id, query.wait),
}));
