import * as z from 'zod';
import { config } from '#shared/config.js';
import { batchGet } from '#shared/dynamo.js';
import { logger } from '#shared/observability.js';
import { NameSchema } from '#shared/validation.js';
import { namespaceKey } from './keys.js';
import type { NamespacePath } from './keys.js';
import { servedHead } from './gray.js';
import { closeConnection, postMessage } from './push-connections.js';
import { NamespaceRecordSchema } from './store/records.js';
import type { NamespaceRecord } from './store/records.js';
import * as store from './store/push.js';
import type { Subscriber } from './store/push.js';
import { allows, callerForTokenHash } from '#shared/auth.js';

/**
 * Push: clients subscribe to namespaces over a WebSocket and are told a namespace's new release key
 * when a publish or rollback commits (docs/kvconfig.md "Push"). The messages:
 *
 *   → {"action":"subscribe","namespaces":[{env,appId,clusterName,namespaceName,releaseKey}],"ip"?,"label"?}
 *   → {"action":"unsubscribe","namespaces":[{env,appId,clusterName,namespaceName}]}
 *   → {"action":"ping"}                                   (keepalive, no answer)
 *   ← {"type":"subscribed","namespaces":[{…,releaseKey}]}
 *   ← {"type":"changed",env,appId,clusterName,namespaceName,releaseKey}
 *   ← {"type":"error","code":400|401|404,"message":"…"}
 */

/** At most this many namespaces in one subscribe message (a client may send several). */
export const MAX_NAMESPACES_PER_MESSAGE = 100;

const NamespaceRefSchema = z.object({
  env: NameSchema.transform((v) => v.toLowerCase()),
  appId: NameSchema,
  clusterName: NameSchema,
  namespaceName: NameSchema,
});
const SubscriptionSchema = NamespaceRefSchema.extend({ releaseKey: z.string().max(64, 'must be at most 64 characters').nullish() });

export const MessageSchema = z.discriminatedUnion('action', [
  z.object({
    action: z.literal('subscribe'),
    namespaces: z
      .array(SubscriptionSchema)
      .min(1, 'must name at least one namespace')
      .max(MAX_NAMESPACES_PER_MESSAGE, `at most ${MAX_NAMESPACES_PER_MESSAGE} per message`),
    ip: z.string().max(64).optional(),
    label: z.string().max(256).optional(),
  }),
  z.object({
    action: z.literal('unsubscribe'),
    namespaces: z
      .array(NamespaceRefSchema)
      .min(1, 'must name at least one namespace')
      .max(MAX_NAMESPACES_PER_MESSAGE, `at most ${MAX_NAMESPACES_PER_MESSAGE} per message`),
  }),
]);
export type PushMessage = z.infer<typeof MessageSchema>;

type NamespaceRef = z.infer<typeof NamespaceRefSchema>;
const toPath = (n: NamespaceRef): NamespacePath => ({ env: n.env, app: n.appId, cluster: n.clusterName, namespace: n.namespaceName });
const toRef = (p: NamespacePath) => ({ env: p.env, appId: p.app, clusterName: p.cluster, namespaceName: p.namespace });

/** What a client is served of a namespace: the release key it should hold (gray when it matches the gray rules). */
export function servedReleaseKey(ns: NamespaceRecord, client: { ip: string; label: string | undefined }): string | undefined {
  return servedHead(ns, client)?.release_id;
}

export type ErrorMessage = { type: 'error'; code: number; message: string };
export const errorMessage = (code: number, message: string): ErrorMessage => ({ type: 'error', code, message });

/**
 * Subscribes a connection. The subscriber items are written before the heads are read (strongly
 * consistent), so no release is missed between them: one committed before the read is in it and
 * answered at once as `changed`; one committed after it reaches the fan-out, whose Query runs after
 * the commit and finds the subscriber. A namespace that does not exist is refused (404) and not kept.
 */
export async function subscribe(connectionId: string, message: Extract<PushMessage, { action: 'subscribe' }>): Promise<unknown[]> {
  const connection = await store.getConnection(connectionId);
  if (!connection) return [errorMessage(401, 'this connection is not registered; connect again')];
  const caller = await callerForTokenHash(connection.token_hash);
  if (!caller || !allows('config-client', caller.role)) {
    // Told first, then closed: the client learns why instead of seeing a bare close.
    await postMessage(connectionId, errorMessage(401, 'the token of this connection was revoked; connect again with a valid token'));
    await closeConnection(connectionId);
    return [];
  }
  const client = { ip: message.ip ?? connection.ip, label: message.label };
  const wanted = new Map(message.namespaces.map((n) => [store.namespaceId(toPath(n)), n]));
  const paths = [...wanted.values()].map(toPath);
  await store.addSubscriptions(connectionId, connection.expires_at, paths, client);
  const heads = await batchGet(
    config.tables.config,
    paths.map((p) => namespaceKey(p)),
    { consistent: true },
  );
  const out: unknown[] = [];
  const subscribed: { env: string; appId: string; clusterName: string; namespaceName: string; releaseKey: string | null }[] = [];
  const missing: NamespacePath[] = [];
  for (const p of paths) {
    const key = namespaceKey(p);
    const item = heads.get(`${key.pk}|${key.sk}`);
    if (!item) {
      missing.push(p);
      continue;
    }
    const current = servedReleaseKey(NamespaceRecordSchema.parse(item), client) ?? null;
    subscribed.push({ ...toRef(p), releaseKey: current });
    const held = wanted.get(store.namespaceId(p))?.releaseKey ?? null;
    if (current !== null && current !== held) out.push({ type: 'changed', ...toRef(p), releaseKey: current });
  }
  if (missing.length > 0) {
    await store.removeSubscriptions(connectionId, missing);
    out.unshift(errorMessage(404, `namespace not found: ${missing.map((p) => `${p.env}/${p.app}/${p.cluster}/${p.namespace}`).join(', ')}`));
  }
  if (subscribed.length > 0) out.unshift({ type: 'subscribed', namespaces: subscribed });
  return out;
}

export async function unsubscribe(connectionId: string, message: Extract<PushMessage, { action: 'unsubscribe' }>): Promise<unknown[]> {
  const paths = message.namespaces.map(toPath);
  await store.removeSubscriptions(connectionId, paths);
  return [{ type: 'unsubscribed', namespaces: paths.map(toRef) }];
}

/** Posts in flight at once per fan-out: API Gateway's management API answers in a few ms each. */
const FAN_OUT_CONCURRENCY = 64;

/**
 * Tells every subscriber of `p` whose served release changed between `before` and `after` (the
 * namespace item's old and new images) its new release key. Connections that are gone (410) are
 * removed with their subscriptions. Returns how many were told and how many were gone.
 */
export async function fanOut(p: NamespacePath, before: NamespaceRecord | undefined, after: NamespaceRecord): Promise<{ sent: number; gone: number }> {
  let sent = 0;
  const gone: string[] = [];
  await store.forEachSubscriberPage(p, async (subscribers) => {
    const due: { subscriber: Subscriber; releaseKey: string }[] = [];
    for (const subscriber of subscribers) {
      const client = { ip: subscriber.ip, label: subscriber.label };
      const next = servedReleaseKey(after, client);
      if (next && next !== (before ? servedReleaseKey(before, client) : undefined)) due.push({ subscriber, releaseKey: next });
    }
    let index = 0;
    const worker = async () => {
      while (index < due.length) {
        const { subscriber, releaseKey } = due[index++]!;
        try {
          const result = await postMessage(subscriber.connectionId, { type: 'changed', ...toRef(p), releaseKey });
          if (result === 'gone') gone.push(subscriber.connectionId);
          else sent += 1;
        } catch (error) {
          // One connection's failure must not cost the others their message; the client's next
          // reconnect (or its fallback long poll) catches up from its key.
          logger.warn('push post failed', { connectionId: subscriber.connectionId, error: error as Error });
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(FAN_OUT_CONCURRENCY, due.length) }, worker));
  });
  for (const connectionId of gone) await store.removeConnection(connectionId);
  return { sent, gone: gone.length };
}
