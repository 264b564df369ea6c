import { checkDatabase } from '#shared/dependencies.js';
import { httpHandler } from '#shared/http.js';

/** Readiness: Ready only while DynamoDB answers; 503 naming the failed dependency otherwise. */
export const handler = httpHandler({}, async () => {
  const database = await checkDatabase();
  if (database.ok) return { raw: true, data: { status: 'Ready' } };
  return { raw: true, statusCode: 503, data: { status: 'NotReady', failed: [{ dependency: 'dynamodb', reason: database.reason }] } };
});
