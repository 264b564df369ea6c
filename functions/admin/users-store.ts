import { GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { ROLES } from '#shared/auth.js';
import { forgetToken, tokenKey } from '#shared/auth.js';
import { config } from '#shared/config.js';
import { dynamo, isTransactionConditionFailed, queryAll } from '#shared/dynamo.js';

/**
 * Users in the platform table.
 *
 *   user          pk = USER            sk = USER#<id>        → the user (list = one Query on pk)
 *   name guard    pk = USERNAME#<name> sk = USERNAME         → user_id (names are unique)
 *   token         pk = TOKEN#<sha256>  sk = TOKEN            → user_id, role, service (see shared/auth.ts)
 *   admin count   pk = META            sk = ADMINS           → count (guards the last admin)
 *
 * Every change is one transaction conditioned on the user's `version`, so concurrent updates
 * cannot interleave, and on the admin count, so two concurrent demotions cannot remove both of
 * the last two admins.
 */
export const UserSchema = z.object({
  id: z.string(),
  name: z.string(),
  role: z.enum(ROLES),
  /** Only for role `agent`: the one service its token may act for. */
  service: z.string().optional(),
  token_hash: z.string(),
  token_hint: z.string(),
  created_at: z.string(),
  updated_at: z.string(),
  version: z.number().int(),
});
export type User = z.infer<typeof UserSchema>;

const table = () => config.tables.platform;
const userKey = (id: string) => ({ pk: 'USER', sk: `USER#${id}` });
const nameKey = (name: string) => ({ pk: `USERNAME#${name}`, sk: 'USERNAME' });
const ADMINS_KEY = { pk: 'META', sk: 'ADMINS' } as const;

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

export async function getUser(id: string): Promise<User | undefined> {
  const { Item } = await dynamo.send(new GetCommand({ TableName: table(), Key: userKey(id), ConsistentRead: true }));
  return Item ? UserSchema.parse(Item) : undefined;
}

export async function listUsers(): Promise<User[]> {
  return (await queryAll({ table: table(), pk: 'USER', consistent: true })).map((item) => UserSchema.parse(item));
}

export async function countAdmins(): Promise<number> {
  const { Item } = await dynamo.send(new GetCommand({ TableName: table(), Key: ADMINS_KEY, ConsistentRead: true }));
  return typeof Item?.count === 'number' ? Item.count : 0;
}

/** Outcome of a guarded write: which guard failed, if any. */
export type WriteOutcome = 'ok' | 'name-taken' | 'changed' | 'last-admin' | 'token-exists';

function adminCountChange(delta: 1 | -1): TransactItem {
  return delta === 1
    ? {
        Update: {
          TableName: table(),
          Key: ADMINS_KEY,
          UpdateExpression: 'ADD #c :one',
          ExpressionAttributeNames: { '#c': 'count' },
          ExpressionAttributeValues: { ':one': 1 },
        },
      }
    : {
        Update: {
          TableName: table(),
          Key: ADMINS_KEY,
          UpdateExpression: 'ADD #c :minus',
          ConditionExpression: '#c > :one',
          ExpressionAttributeNames: { '#c': 'count' },
          ExpressionAttributeValues: { ':minus': -1, ':one': 1 },
        },
      };
}

/** The token item carries everything authentication needs, so checking a token stays one GetItem. */
const tokenItem = (user: User) => ({
  ...tokenKey(user.token_hash),
  user_id: user.id,
  role: user.role,
  ...(user.service === undefined ? {} : { service: user.service }),
});

const tokenPut = (user: User): TransactItem => ({ Put: { TableName: table(), Item: tokenItem(user), ConditionExpression: 'attribute_not_exists(pk)' } });

/** Creates a user with its name guard, token item and admin count in one transaction. */
export async function insertUser(user: User): Promise<WriteOutcome> {
  const items: TransactItem[] = [
    { Put: { TableName: table(), Item: { ...userKey(user.id), ...user }, ConditionExpression: 'attribute_not_exists(pk)' } },
    { Put: { TableName: table(), Item: { ...nameKey(user.name), user_id: user.id }, ConditionExpression: 'attribute_not_exists(pk)' } },
    tokenPut(user),
  ];
  if (user.role === 'admin') items.push(adminCountChange(1));
  try {
    await dynamo.send(new TransactWriteCommand({ TransactItems: items }));
    return 'ok';
  } catch (error) {
    if (isTransactionConditionFailed(error, 1)) return 'name-taken';
    if (isTransactionConditionFailed(error, 2)) return 'token-exists';
    if (isTransactionConditionFailed(error)) return 'changed';
    throw error;
  }
}

/**
 * Replaces `before` with `after` (same id): moves the name guard when the name changes, the token
 * item when the token changes (or rewrites its role and service), and the admin count when the role crosses admin.
 */
export async function replaceUser(before: User, after: User): Promise<WriteOutcome> {
  const items: TransactItem[] = [
    {
      Put: {
        TableName: table(),
        Item: { ...userKey(after.id), ...after },
        ConditionExpression: '#v = :v',
        ExpressionAttributeNames: { '#v': 'version' },
        ExpressionAttributeValues: { ':v': before.version },
      },
    },
  ];
  let nameIndex = -1;
  if (before.name !== after.name) {
    items.push({ Delete: { TableName: table(), Key: nameKey(before.name) } });
    nameIndex =
      items.push({ Put: { TableName: table(), Item: { ...nameKey(after.name), user_id: after.id }, ConditionExpression: 'attribute_not_exists(pk)' } }) - 1;
  }
  if (before.token_hash !== after.token_hash) {
    items.push({ Delete: { TableName: table(), Key: tokenKey(before.token_hash) } });
    items.push(tokenPut(after));
  } else if (before.role !== after.role || before.service !== after.service) {
    items.push({ Put: { TableName: table(), Item: tokenItem(after) } });
  }
  let adminIndex = -1;
  if (before.role === 'admin' && after.role !== 'admin') adminIndex = items.push(adminCountChange(-1)) - 1;
  if (before.role !== 'admin' && after.role === 'admin') items.push(adminCountChange(1));
  try {
    await dynamo.send(new TransactWriteCommand({ TransactItems: items }));
    forgetToken(before.token_hash);
    return 'ok';
  } catch (error) {
    if (isTransactionConditionFailed(error, 0)) return 'changed';
    if (nameIndex >= 0 && isTransactionConditionFailed(error, nameIndex)) return 'name-taken';
    if (adminIndex >= 0 && isTransactionConditionFailed(error, adminIndex)) return 'last-admin';
    throw error;
  }
}

/** Deletes a user, its name guard and token item; an admin only while another admin remains. */
export async function removeUser(user: User): Promise<WriteOutcome> {
  const items: TransactItem[] = [
    {
      Delete: {
        TableName: table(),
        Key: userKey(user.id),
        ConditionExpression: '#v = :v',
        ExpressionAttributeNames: { '#v': 'version' },
        ExpressionAttributeValues: { ':v': user.version },
      },
    },
    { Delete: { TableName: table(), Key: nameKey(user.name) } },
    { Delete: { TableName: table(), Key: tokenKey(user.token_hash) } },
  ];
  if (user.role === 'admin') items.push(adminCountChange(-1));
  try {
    await dynamo.send(new TransactWriteCommand({ TransactItems: items }));
    forgetToken(user.token_hash);
    return 'ok';
  } catch (error) {
    if (isTransactionConditionFailed(error, 0)) return 'changed';
    if (user.role === 'admin' && isTransactionConditionFailed(error, 3)) return 'last-admin';
    throw error;
  }
}
