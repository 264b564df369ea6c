import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { config } from '#shared/config.js';
import { batchWrite, dynamo, forEachQueryPage } from '#shared/dynamo.js';
import { connectionKey, subscriberPk } from '../keys.js';
import type { NamespacePath } from '../keys.js';

/**
 * Push connections and their subscriptions (keys.ts). A connection item lists the namespaces it
 * subscribed to, so `$disconnect` removes exactly its subscriber items; the fan-out reads a
 * namespace's subscribers with one Query. Everything expires with the table's TTL two hours and ten
 * minutes after the connection opened (API Gateway closes every connection at two hours).
 */
export const CONNECTION_TTL_SECONDS = 2 * 60 * 60 + 10 * 60;

const ConnectionSchema = z.object({
  user_id: z.string(),
  token_hash: z.string(),
  ip: z.string(),
  namespaces: z.set(z.string()).optional(),
  expires_at: z.number(),
});
export type Connection = z.infer<typeof ConnectionSchema>;

const SubscriberSchema = z.object({ sk: z.string(), ip: z.string(), label: z.string().optional() });
export type Subscriber = Readonly<{ connectionId: string; ip: string; label: string | undefined }>;

const table = () => config.tables.config;

/** `env#app#cluster#namespace`, the form a connection item keeps its namespaces in. */
export const namespaceId = (p: NamespacePath) => `${p.env}#${p.app}#${p.cluster}#${p.namespace}`;

function namespaceOfId(id: string): NamespacePath | undefined {
  const [env, app, cluster, namespace, ...rest] = id.split('#');
  return env && app && cluster && namespace && rest.length === 0 ? { env, app, cluster, namespace } : undefined;
}

export async function putConnection(connectionId: string, connection: Omit<Connection, 'namespaces'>): Promise<void> {
  await dynamo.send(new PutCommand({ TableName: table(), Item: { ...connectionKey(connectionId), ...connection } }));
}

export async function getConnection(connectionId: string): Promise<Connection | undefined> {
  const { Item } = await dynamo.send(new GetCommand({ TableName: table(), Key: connectionKey(connectionId), ConsistentRead: true }));
  return Item ? ConnectionSchema.parse(Item) : undefined;
}

/**
 * Subscribes a connection to namespaces: the subscriber items first, then the connection's list.
 * Written before the caller reads the heads, so a release committed after that read is seen by the
 * fan-out's Query (which runs after the commit), and one committed before it is in the read.
 */
export async function addSubscriptions(
  connectionId: string,
  expiresAt: number,
  namespaces: readonly NamespacePath[],
  client: { ip: string; label: string | undefined },
): Promise<void> {
  if (namespaces.length === 0) return;
  await batchWrite(
    table(),
    namespaces.map((p) => ({
      put: { pk: subscriberPk(p), sk: connectionId, ip: client.ip, ...(client.label ? { label: client.label } : {}), expires_at: expiresAt },
    })),
  );
  await dynamo.send(
    new UpdateCommand({
      TableName: table(),
      Key: connectionKey(connectionId),
      UpdateExpression: 'ADD namespaces :ids',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeValues: { ':ids': new Set(namespaces.map(namespaceId)) },
    }),
  );
}

/** Removes a connection's subscriptions to `namespaces` (absent ones are ignored). */
export async function removeSubscriptions(connectionId: string, namespaces: readonly NamespacePath[]): Promise<void> {
  if (namespaces.length === 0) return;
  await batchWrite(
    table(),
    namespaces.map((p) => ({ delete: { pk: subscriberPk(p), sk: connectionId } })),
  );
  await dynamo
    .send(
      new UpdateCommand({
        TableName: table(),
        Key: connectionKey(connectionId),
        UpdateExpression: 'DELETE namespaces :ids',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':ids': new Set(namespaces.map(namespaceId)) },
      }),
    )
    .catch((error: unknown) => {
      if (!(error instanceof Error) || error.name !== 'ConditionalCheckFailedException') throw error;
    });
}

/** Removes a connection and every subscription it holds (its `$disconnect`, or a post answered 410 Gone). */
export async function removeConnection(connectionId: string): Promise<void> {
  const connection = await getConnection(connectionId);
  const namespaces = [...(connection?.namespaces ?? [])].map(namespaceOfId).filter((p) => p !== undefined);
  await batchWrite(
    table(),
    namespaces.map((p) => ({ delete: { pk: subscriberPk(p), sk: connectionId } })),
  );
  await dynamo.send(new DeleteCommand({ TableName: table(), Key: connectionKey(connectionId) }));
}

/** Every subscriber of a namespace, page by page (1 MB per Query: about 8,000 subscribers). */
export async function forEachSubscriberPage(p: NamespacePath, onPage: (subscribers: Subscriber[]) => Promise<void>): Promise<void> {
  const pages: Subscriber[][] = [];
  await forEachQueryPage(
    {
      TableName: table(),
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': subscriberPk(p), ':now': Math.floor(Date.now() / 1000) },
      // TTL deletes lag expiry by up to days: an expired item is skipped here.
      FilterExpression: 'expires_at > :now',
      ProjectionExpression: 'sk, ip, label',
    },
    (page) => {
      pages.push(
        (page.Items ?? []).map((item) => {
          const s = SubscriberSchema.parse(item);
          return { connectionId: s.sk, ip: s.ip, label: s.label };
        }),
      );
    },
  );
  for (const page of pages) await onPage(page);
}
