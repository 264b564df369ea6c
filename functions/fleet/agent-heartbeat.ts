import { httpHandler } from '#shared/http.js';
import { heartbeat } from './agent-service.js';
import { EmptySchema, HeartbeatBodySchema } from './schemas.js';

export const handler = httpHandler({ body: HeartbeatBodySchema, response: EmptySchema }, async ({ body }) => ({
  data: await heartbeat(body.service, body.instance_id, body.version, body.state),
}));
