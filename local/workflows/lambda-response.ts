import { randomUUID } from 'node:crypto';
import type { JsonValue } from './json.js';

/**
 * The result of an `arn:aws:states:::lambda:invoke` task: Step Functions wraps the function's
 * return value in the Invoke response, so ASL reads it at `$.Payload` (usually through
 * `ResultSelector` or `OutputPath`). Keeping the wrapper locally keeps those paths honest.
 */
export function lambdaInvokeResult(payload: JsonValue): JsonValue {
  const requestId = randomUUID();
  const date = new Date().toUTCString();
  const length = String(Buffer.byteLength(JSON.stringify(payload)));
  const headers = {
    Connection: 'keep-alive',
    'Content-Length': length,
    'Content-Type': 'application/json',
    Date: date,
    'X-Amz-Executed-Version': '$LATEST',
    'x-amzn-Remapped-Content-Length': '0',
    'x-amzn-RequestId': requestId,
    'X-Amzn-Trace-Id': `root=1-${Math.floor(Date.now() / 1000).toString(16)}-${randomUUID().replaceAll('-', '').slice(0, 24)};sampled=0`,
  };
  return {
    ExecutedVersion: '$LATEST',
    Payload: payload,
    SdkHttpMetadata: {
      AllHttpHeaders: Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, [value]])),
      HttpHeaders: headers,
      HttpStatusCode: 200,
    },
    SdkResponseMetadata: { RequestId: requestId },
    StatusCode: 200,
  };
}
