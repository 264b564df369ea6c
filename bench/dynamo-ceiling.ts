import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { NamespacePath } from '../functions/kvconfig/keys.js';
import { namespaceKey } from '../functions/kvconfig/keys.js';
import { hashToken, tokenKey } from '../functions/shared/auth.js';
import { createDocumentClient } from '../functions/shared/dynamo.js';
import type { LoadResult } from './load.js';
import { loadCalls } from './load.js';

/** `AUTH_CACHE_SECONDS`' default: how long the server remembers a token before reading it again. */
const TOKEN_CACHE_MS = 5000;

/** A ceiling run: the load result and the read units its calls consumed. */
export type CeilingResult = LoadResult & { readUnits: number };

/**
 * The DynamoDB calls a `configs` request makes when its page is in the container's cache, issued
 * directly with the functions' own document client (`createDocumentClient`) at the same concurrency,
 * no HTTP API in between: the consistent read of the namespace item (the head) every request, and
 * the consistent read of the token item whenever the token cache has expired (as `callerForToken`
 * does, one cache for all clients). Table names are `npm start`'s (no prefix). One client for every
 * run, as the server keeps one: its connections stay open between rounds.
 */
export function dynamoCeiling(options: { endpoint: string; token: string; namespace: NamespacePath }): {
  run: (load: { concurrency: number; seconds: number }) => Promise<CeilingResult>;
  close: () => void;
} {
  const counter = { read: 0, write: 0 };
  const client = createDocumentClient({ region: 'us-east-1', endpoint: options.endpoint, counter });
  const tokenItem = tokenKey(hashToken(options.token));
  const headItem = namespaceKey(options.namespace);
  let tokenUntil = 0;
  const operation = async () => {
    if (tokenUntil <= Date.now()) {
      const { Item } = await client.send(new GetCommand({ TableName: 'platform', Key: tokenItem, ConsistentRead: true }));
      if (!Item) return false;
      tokenUntil = Date.now() + TOKEN_CACHE_MS;
    }
    const { Item } = await client.send(new GetCommand({ TableName: 'config', Key: headItem, ConsistentRead: true }));
    return Item?.latest_release_id !== undefined;
  };
  return {
    run: async (load) => {
      const before = counter.read;
      const result = await loadCalls({ ...load, operation });
      return { ...result, readUnits: counter.read - before };
    },
    close: () => client.destroy(),
  };
}
