import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { config } from '#shared/config.js';
import { dynamo } from '#shared/dynamo.js';
import { NotFoundError } from '#shared/errors.js';

/** TEMPORARY (replaced by the repos branch): HTTP repositories without credentials. */
export async function chartSource(repoName: string, chart: string, version?: string): Promise<{ ref: string; args: string[]; secretArgs: string[] }> {
  const { Item } = await dynamo.send(new GetCommand({ TableName: config.tables.helm, Key: { pk: 'REPO', sk: repoName } }));
  if (typeof Item?.url !== 'string') throw new NotFoundError(`repository "${repoName}" is not registered`);
  return { ref: chart, args: ['--repo', Item.url, ...(version ? ['--version', version] : [])], secretArgs: [] };
}

export function redact(text: string): string {
  return text;
}
