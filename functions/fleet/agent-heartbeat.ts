import { httpHandler } from '#shared/http.js';
import { heartbeat } from './agent-service.js';
import { HeartbeatBodySchema } from './schemas.js';

export const handler = httpHandler({ body: HeartbeatBodySchema }, async ({ body, caller }) => ({
  data: await heartbeat(caller, body.service, body.instance_id, body.version, body.state),
}));
