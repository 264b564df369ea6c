/**
 * The push API (docs/kvconfig.md "Push"): API Gateway WebSocket routes and the stream-driven fan-out.
 * Like the REST route table, both the CDK app (infra/push-stack.ts) and the local gateway
 * (local/push-gateway.ts) are built from it.
 */
export type PushRoute = Readonly<{
  /** API Gateway's route key: `$connect`, `$disconnect`, `$default` or the message's `action`. */
  routeKey: string;
  /** Handler module under `functions/`; undefined for a route answered by API Gateway alone (a MOCK integration). */
  entry: string | undefined;
}>;

export const PUSH_API = {
  /** Where the local gateway accepts WebSocket handshakes (in AWS the WebSocket API's stage URL, output `PushUrl`). */
  localPath: '/api/v1/push',
  /** The stage name in AWS (`wss://<api>.execute-api.<region>.amazonaws.com/push`). */
  stage: 'push',
  routeSelectionExpression: '$request.body.action',
  routes: [
    { routeKey: '$connect', entry: 'kvconfig/push-connect' },
    { routeKey: '$disconnect', entry: 'kvconfig/push-disconnect' },
    { routeKey: 'subscribe', entry: 'kvconfig/push-message' },
    { routeKey: 'unsubscribe', entry: 'kvconfig/push-message' },
    { routeKey: '$default', entry: 'kvconfig/push-message' },
    // The keepalive: API Gateway closes a connection idle for 10 minutes. No function runs for it.
    { routeKey: 'ping', entry: undefined },
  ] satisfies readonly PushRoute[],
  /** The fan-out function and the stream it reads. */
  fanOut: {
    entry: 'kvconfig/push-fanout',
    table: 'config',
    /**
     * Which of the config table's stream records reach the fan-out: namespace items (`sk` NS#…),
     * inserted or modified. The event source mapping's filter in AWS, and the local stream reader's
     * (local/stream-reader.ts): one pattern, so both deliver the same records.
     */
    filterPattern: { eventName: ['INSERT', 'MODIFY'], dynamodb: { Keys: { sk: { S: [{ prefix: 'NS#' }] } } } },
    batchSize: 100,
  },
} as const;

/**
 * The local runtime's stand-in for the management API, installed by local/push-gateway.ts when the
 * runtime runs with `PUSH_TRANSPORT=local` (its default): the same two operations, handed to the
 * local gateway in-process. The SDK spends about a millisecond of CPU per call, which in Lambda
 * overlaps the network round trip but on one local core would be most of a 1,000-subscriber
 * fan-out; the SDK path itself is exercised locally with `PUSH_TRANSPORT=sdk` (the push tests run both).
 */
export type LocalConnections = Readonly<{ post: (connectionId: string, data: string) => 'sent' | 'gone'; close: (connectionId: string) => void }>;
export const LOCAL_CONNECTIONS = Symbol.for('control-plane.local-push-connections');
