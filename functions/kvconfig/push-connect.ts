import { allows, bearerToken, callerForToken, hashToken, refusal } from '#shared/auth.js';
import { websocketHandler } from '#shared/websocket.js';
import type { WebSocketResult } from '#shared/websocket.js';
import { CONNECTION_TTL_SECONDS, putConnection } from './store/push.js';

const refuse = (statusCode: 401 | 403, message: string): WebSocketResult => ({
  statusCode,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ code: statusCode, message }),
});

/**
 * `$connect` of the push API: the handshake must carry `Authorization: Bearer <token>` of a role that
 * may read configurations (config-client and up). Refused with 401/403, which API Gateway returns to
 * the client as the handshake's status. Accepted connections are recorded with their token's hash
 * (so a later subscribe sees a revoked token) and expire with the table's TTL.
 */
export const handler = websocketHandler(async (event) => {
  const token = bearerToken(event.headers ?? null);
  if (!token) return refuse(401, 'missing bearer token: connect with the header Authorization: Bearer <token>');
  const caller = await callerForToken(token);
  if (!caller) return refuse(401, 'invalid or revoked bearer token');
  if (!allows('config-client', caller.role))
    return refuse(403, `role ${caller.role} may not subscribe to configuration changes: ${refusal('config-client', caller.role)}`);
  const now = Math.floor((event.requestContext.connectedAt ?? Date.now()) / 1000);
  await putConnection(event.requestContext.connectionId, {
    user_id: caller.userId,
    token_hash: hashToken(token),
    ip: event.requestContext.identity?.sourceIp ?? '',
    expires_at: now + CONNECTION_TTL_SECONDS,
  });
  return { statusCode: 200 };
});
