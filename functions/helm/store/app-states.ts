import * as z from 'zod';
import { config } from '#shared/config.js';
import { forEachQueryPage } from '#shared/dynamo.js';

/**
 * The state of every app of a cluster, for monitoring (`/v1/monitor/system`, `/v1/monitor/health`).
 * Apps are the lead's entity (store/apps.ts documents them); this reads only their cluster index:
 *
 *   app   gsi2pk = APPS#<clusterId>   gsi2sk = <namespace>#<name>   → state
 *
 * One Query on gsi2, projecting two attributes, whatever the number of apps.
 */
export type AppState = Readonly<{ namespace: string; name: string; state: string }>;

const RowSchema = z.object({ gsi2sk: z.string(), state: z.string().default('unknown') });

export async function appStatesOf(clusterId: string): Promise<AppState[]> {
  const out: AppState[] = [];
  await forEachQueryPage(
    {
      TableName: config.tables.helm,
      IndexName: 'gsi2',
      KeyConditionExpression: 'gsi2pk = :pk',
      ExpressionAttributeValues: { ':pk': `APPS#${clusterId}` },
      ProjectionExpression: 'gsi2sk, #state',
      ExpressionAttributeNames: { '#state': 'state' },
    },
    (page) => {
      for (const item of page.Items ?? []) {
        const row = RowSchema.parse(item);
        const split = row.gsi2sk.indexOf('#');
        out.push({ namespace: row.gsi2sk.slice(0, Math.max(0, split)), name: row.gsi2sk.slice(split + 1), state: row.state });
      }
    },
  );
  return out;
}
