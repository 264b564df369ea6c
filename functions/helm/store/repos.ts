import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { config } from '#shared/config.js';
import { dynamo, isConditionFailed, queryAll } from '#shared/dynamo.js';

/**
 * Chart repositories in the helm table.
 *
 *   repo   pk = REPO   sk = <name>   → the repository (list = one Query on pk, in name order)
 *
 * Credentials are never in this item: they are in the secrets store under `repos/<name>`, and the
 * item only says whether there are some (`has_credentials`). `version` guards every replace, so two
 * concurrent updates cannot both win.
 */
export const REPO_TYPES = ['http', 'oci'] as const;
export const REPO_STATUSES = ['active', 'error'] as const;

export const RepoRecordSchema = z.object({
  name: z.string(),
  url: z.string(),
  type: z.enum(REPO_TYPES),
  status: z.enum(REPO_STATUSES),
  /** Why the last check failed (status `error` only). */
  message: z.string().optional(),
  /** Charts in the index (HTTP repositories, after a successful check). */
  charts: z.number().int().optional(),
  has_credentials: z.boolean(),
  plain_http: z.boolean(),
  created_at: z.string(),
  updated_at: z.string(),
  version: z.number().int(),
});
export type RepoRecord = z.infer<typeof RepoRecordSchema>;

const table = () => config.tables.helm;
const repoKey = (name: string) => ({ pk: 'REPO', sk: name });

export async function getRepo(name: string): Promise<RepoRecord | undefined> {
  const { Item } = await dynamo.send(new GetCommand({ TableName: table(), Key: repoKey(name), ConsistentRead: true }));
  return Item ? RepoRecordSchema.parse(Item) : undefined;
}

export async function listRepos(): Promise<RepoRecord[]> {
  return (await queryAll({ table: table(), pk: 'REPO', consistent: true })).map((item) => RepoRecordSchema.parse(item));
}

/** Stores a new repository; 'exists' when the name is taken. */
export async function insertRepo(repo: RepoRecord): Promise<'ok' | 'exists'> {
  try {
    await dynamo.send(new PutCommand({ TableName: table(), Item: { ...repoKey(repo.name), ...repo }, ConditionExpression: 'attribute_not_exists(pk)' }));
    return 'ok';
  } catch (error) {
    if (isConditionFailed(error)) return 'exists';
    throw error;
  }
}

/** Replaces the repository if it is still at `expectedVersion`; 'changed' when another write (or a delete) came first. */
export async function replaceRepo(repo: RepoRecord, expectedVersion: number): Promise<'ok' | 'changed'> {
  try {
    await dynamo.send(
      new PutCommand({
        TableName: table(),
        Item: { ...repoKey(repo.name), ...repo },
        ConditionExpression: '#v = :v',
        ExpressionAttributeNames: { '#v': 'version' },
        ExpressionAttributeValues: { ':v': expectedVersion },
      }),
    );
    return 'ok';
  } catch (error) {
    if (isConditionFailed(error)) return 'changed';
    throw error;
  }
}

/** Deletes the repository and returns what it was, or undefined when there was none. */
export async function removeRepo(name: string): Promise<RepoRecord | undefined> {
  try {
    const { Attributes } = await dynamo.send(
      new DeleteCommand({ TableName: table(), Key: repoKey(name), ConditionExpression: 'attribute_exists(pk)', ReturnValues: 'ALL_OLD' }),
    );
    return Attributes ? RepoRecordSchema.parse(Attributes) : undefined;
  } catch (error) {
    if (isConditionFailed(error)) return undefined;
    throw error;
  }
}
