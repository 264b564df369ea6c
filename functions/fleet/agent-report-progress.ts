import { httpHandler } from '#shared/http.js';
import { progress } from './agent-service.js';
import { CommandPathSchema, ProgressBodySchema } from './schemas.js';

/** Progress from a working agent: a Step Functions heartbeat; 409/410 tell the agent to stop. */
export const handler = httpHandler({ path: CommandPathSchema, body: ProgressBodySchema }, async ({ path, caller }) => ({
  data: await progress(caller, path.command_id),
}));
