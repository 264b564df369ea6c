import { websocketHandler } from '#shared/websocket.js';
import { removeConnection } from './store/push.js';

/** `$disconnect` of the push API: the connection and its subscriptions are removed at once. */
export const handler = websocketHandler(async (event) => {
  await removeConnection(event.requestContext.connectionId);
  return { statusCode: 200 };
});
