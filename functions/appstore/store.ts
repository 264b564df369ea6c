import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { config } from '#shared/config.js';
import { dynamo, isConditionFailed, queryAll } from '#shared/dynamo.js';

/**
 * Installed store apps in the helm table, beside the Helm app each one is:
 *
 *   store app   pk = STOREAPP   sk = <app_id>   app_name, version, official, trade_mark, image_url,
 *                                               user_name, credentials (the secret's name), created_at
 *
 * Access patterns: AppStatus is one GetItem (plus the Helm app's); AppList is one Query of the
 * partition. An app id is claimed with a condition, so two installs of one name cannot both win.
 */
const table = () => config.tables.helm;
const key = (appId: string) => ({ pk: 'STOREAPP', sk: appId });

export const StoreAppSchema = z.object({
  app_id: z.string(),
  app_name: z.string(),
  version: z.string(),
  official: z.boolean(),
  trade_mark: z.string(),
  image_url: z.string(),
  user_name: z.string(),
  /** The secrets store's name for `{"user_name", "password"}`. */
  credentials: z.string(),
  created_at: z.string(),
});
export type StoreApp = z.infer<typeof StoreAppSchema>;

export async function getStoreApp(appId: string): Promise<StoreApp | undefined> {
  const { Item } = await dynamo.send(new GetCommand({ TableName: table(), Key: key(appId), ConsistentRead: true }));
  return Item ? StoreAppSchema.parse(Item) : undefined;
}

/**
 * Claims an app id: creates the record unless one exists whose Helm app is still there
 * (`replaceable` is false), in which case it returns false. `previous` is the record seen before,
 * so a concurrent claim of the same id loses instead of overwriting.
 */
export async function claimStoreApp(app: StoreApp, previous: StoreApp | undefined): Promise<boolean> {
  try {
    await dynamo.send(
      new PutCommand({
        TableName: table(),
        Item: { ...key(app.app_id), ...app },
        ConditionExpression: previous ? 'created_at = :seen' : 'attribute_not_exists(pk)',
        ...(previous ? { ExpressionAttributeValues: { ':seen': previous.created_at } } : {}),
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailed(error)) return false;
    throw error;
  }
}

export async function listStoreApps(): Promise<StoreApp[]> {
  const items = await queryAll({ table: table(), pk: 'STOREAPP', consistent: true });
  return items.map((item) => StoreAppSchema.parse(item));
}
