import { checkDatabase } from '#shared/dependencies.js';
import { httpHandler } from '#shared/http.js';
import { NotReadySchema, ReadySchema } from './schemas.js';

/** Readiness: Ready only while DynamoDB answers; 503 naming the failed dependency otherwise. */
export const handler = httpHandler({ response: { 200: { raw: true, data: ReadySchema }, 503: { raw: true, data: NotReadySchema } } }, async () => {
  const database = await checkDatabase();
  if (database.ok) return { raw: true, data: { status: 'Ready' } };
  return { raw: true, statusCode: 503, data: { status: 'NotReady', failed: [{ dependency: 'dynamodb', reason: database.reason }] } };
});
