import { httpHandler } from '#shared/http.js';
import { heartbeat } from './agent-service.js';
import { EmptySchema, HeartbeatBodySchema } from './schemas.js';

export const handler = httpHandler({ body: HeartbeatBodySchema, response: { 200: { data: EmptySchema }, 404: { error: true } } }, async ({ body, caller }) => ({
  data: await heartbeat(caller, body.service, body.instance_id, body.version, body.state),
}));
