import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { logger } from '#shared/observability.js';
import { namespaceOfKey } from './keys.js';
import type { NamespacePath } from './keys.js';
import { fanOut } from './push-service.js';
import { NamespaceRecordSchema } from './store/records.js';
import type { NamespaceRecord } from './store/records.js';

const image = (raw: Record<string, unknown> | undefined): NamespaceRecord | undefined => {
  if (!raw) return undefined;
  const parsed = NamespaceRecordSchema.safeParse(unmarshall(raw as Record<string, AttributeValue>));
  return parsed.success ? parsed.data : undefined;
};

/**
 * What decides which release each client is served: the main release, the gray release and its
 * rules. Item writes and gray item edits change the namespace item too, but nobody's served key.
 */
function servingState(ns: NamespaceRecord): string {
  return JSON.stringify([ns.uid, ns.latest_release_id, ns.gray?.release?.release_id, ns.gray?.ips, ns.gray?.labels]);
}

/**
 * The push fan-out, driven by the config table's stream (NEW_AND_OLD_IMAGES): for every namespace
 * whose head changed in the batch, its subscribers are told the release they are now served. Several
 * records of one namespace in a batch collapse into one fan-out from the first old image to the last
 * new one. A namespace whose subscribers could not be read is reported as a batch item failure, so
 * the event source mapping retries from that record (a repeat tells clients a key they may already
 * have, which they ignore).
 */
export const handler = middy<DynamoDBStreamEvent, DynamoDBBatchResponse>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler(async (event) => {
    const changes = new Map<string, { path: NamespacePath; before: NamespaceRecord | undefined; after: NamespaceRecord; first: DynamoDBRecord }>();
    for (const record of event.Records) {
      const keys = record.dynamodb?.Keys;
      const path = keys ? namespaceOfKey({ pk: String(keys.pk?.S ?? ''), sk: String(keys.sk?.S ?? '') }) : undefined;
      const after = image(record.dynamodb?.NewImage);
      if (!path || !after) continue;
      const id = `${path.env}#${path.app}#${path.cluster}#${path.namespace}`;
      const seen = changes.get(id);
      if (seen) seen.after = after;
      else changes.set(id, { path, before: image(record.dynamodb?.OldImage), after, first: record });
    }
    const failures: DynamoDBBatchResponse['batchItemFailures'] = [];
    for (const change of changes.values()) {
      if (change.before && servingState(change.before) === servingState(change.after)) continue;
      try {
        const told = await fanOut(change.path, change.before, change.after);
        logger.info('push fan-out', { namespace: change.path, releaseKey: change.after.latest_release_id, ...told });
      } catch (error) {
        logger.error('push fan-out failed', { namespace: change.path, error: error as Error });
        failures.push({ itemIdentifier: change.first.dynamodb?.SequenceNumber ?? '' });
      }
    }
    return { batchItemFailures: failures };
  });
