import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { config } from '#shared/config.js';
import { dynamo, isConditionFailed, queryAll } from '#shared/dynamo.js';
import type { CatalogRecord } from '../catalog-schemas.js';
import { CatalogRecordSchema } from '../catalog-schemas.js';

/**
 * App store catalog entries in the helm table.
 *
 *   entry   pk = CATALOG#<app_name>   sk = <version>          → one app in one version (AppInstall: one GetItem)
 *           gsi1pk = CATALOG          gsi1sk = <app_name>#<version>   (the whole catalog: one Query on gsi1)
 *
 * An app's versions are one Query on its partition (consistent); the whole catalog is one Query on
 * gsi1 (eventually consistent, which is fine for a list an admin edits rarely).
 */
const table = () => config.tables.helm;
const entryKey = (appName: string, version: string) => ({ pk: `CATALOG#${appName}`, sk: version });
const indexKeys = (appName: string, version: string) => ({ gsi1pk: 'CATALOG', gsi1sk: `${appName}#${version}` });

const KEY_ATTRIBUTES = ['pk', 'sk', 'gsi1pk', 'gsi1sk'] as const;

function parse(item: Record<string, unknown>): CatalogRecord {
  const rest = { ...item };
  for (const key of KEY_ATTRIBUTES) delete rest[key];
  return CatalogRecordSchema.parse(rest);
}

export async function getEntry(appName: string, version: string): Promise<CatalogRecord | undefined> {
  const { Item } = await dynamo.send(new GetCommand({ TableName: table(), Key: entryKey(appName, version), ConsistentRead: true }));
  return Item ? parse(Item) : undefined;
}

/** One app's versions (consistent), or the whole catalog (gsi1), in app name then version order. */
export async function listEntries(appName?: string): Promise<CatalogRecord[]> {
  const items = appName
    ? await queryAll({ table: table(), pk: `CATALOG#${appName}`, consistent: true })
    : await queryAll({ table: table(), pk: 'CATALOG', index: 'gsi1' });
  return items.map(parse);
}

/** Writes an entry; with `onlyIfAbsent`, 'exists' when there already is one (seeding never overwrites). */
export async function putEntry(record: CatalogRecord, options: { onlyIfAbsent?: boolean } = {}): Promise<'ok' | 'exists'> {
  try {
    await dynamo.send(
      new PutCommand({
        TableName: table(),
        Item: { ...entryKey(record.app_name, record.version), ...indexKeys(record.app_name, record.version), ...record },
        ...(options.onlyIfAbsent ? { ConditionExpression: 'attribute_not_exists(pk)' } : {}),
      }),
    );
    return 'ok';
  } catch (error) {
    if (options.onlyIfAbsent && isConditionFailed(error)) return 'exists';
    throw error;
  }
}

/** Deletes an entry and returns what it was, or undefined when there was none. */
export async function deleteEntry(appName: string, version: string): Promise<CatalogRecord | undefined> {
  try {
    const { Attributes } = await dynamo.send(
      new DeleteCommand({ TableName: table(), Key: entryKey(appName, version), ConditionExpression: 'attribute_exists(pk)', ReturnValues: 'ALL_OLD' }),
    );
    return Attributes ? parse(Attributes) : undefined;
  } catch (error) {
    if (isConditionFailed(error)) return undefined;
    throw error;
  }
}
