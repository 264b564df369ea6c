import { websocketHandler } from '#shared/websocket.js';
import { postMessage } from './push-connections.js';
import { errorMessage, MessageSchema, subscribe, unsubscribe } from './push-service.js';

/**
 * The push API's message routes (`subscribe`, `unsubscribe`, and `$default` for anything else; the
 * route selection expression is `$request.body.action`). Answers go back on the connection through
 * the management API, in order; a message that is not valid JSON or fails its schema is answered
 * with `{"type":"error","code":400,…}` and changes nothing.
 */
export const handler = websocketHandler(async (event) => {
  const connectionId = event.requestContext.connectionId;
  let body: unknown;
  try {
    body = JSON.parse(event.body ?? '');
  } catch {
    await postMessage(connectionId, errorMessage(400, 'a message must be a JSON object with an "action": subscribe, unsubscribe or ping'));
    return { statusCode: 200 };
  }
  const parsed = MessageSchema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? issue.path.join('.') : 'action';
    const message = issue?.code === 'invalid_union' ? 'action must be subscribe, unsubscribe or ping' : (issue?.message ?? 'invalid message');
    await postMessage(connectionId, errorMessage(400, `${where}: ${message}`));
    return { statusCode: 200 };
  }
  const answers = parsed.data.action === 'subscribe' ? await subscribe(connectionId, parsed.data) : await unsubscribe(connectionId, parsed.data);
  for (const answer of answers) if ((await postMessage(connectionId, answer)) === 'gone') break;
  return { statusCode: 200 };
});
