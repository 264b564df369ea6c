import { Agent } from 'node:https';
import { Agent as HttpAgent } from 'node:http';
import { ApiGatewayManagementApiClient, DeleteConnectionCommand, PostToConnectionCommand } from '@aws-sdk/client-apigatewaymanagementapi';
import { config } from '#shared/config.js';
import { LOCAL_CONNECTIONS } from './push-routes.js';
import type { LocalConnections } from './push-routes.js';

/**
 * API Gateway's management API for the WebSocket stage (`POST /@connections/{id}`), through the real
 * SDK client. Off AWS `PUSH_ENDPOINT` points at the local gateway's `/local/ws`, which speaks the same
 * protocol and checks the same SigV4 signature the SFN endpoint does.
 */
let client: ApiGatewayManagementApiClient | undefined;

function managementClient(): ApiGatewayManagementApiClient {
  if (!client) {
    if (!config.pushEndpoint) throw new Error('PUSH_ENDPOINT is not set: the push functions need the WebSocket stage management endpoint');
    // A fan-out posts to many connections at once: keep enough sockets open for it.
    const options = { keepAlive: true, maxSockets: 64 };
    client = new ApiGatewayManagementApiClient({
      region: config.region,
      endpoint: config.pushEndpoint,
      maxAttempts: 3,
      requestHandler: { httpsAgent: new Agent(options), httpAgent: new HttpAgent(options) },
      // Off AWS: the credentials the local runtime generated, which its `/local/ws` endpoint verifies.
      ...(config.dynamodbEndpoint ? { credentials: config.localSfnCredentials } : {}),
    });
  }
  return client;
}

const encoder = new TextEncoder();

function localConnections(): LocalConnections | undefined {
  if (config.pushTransport !== 'local') return undefined;
  const local = (globalThis as Record<symbol, LocalConnections | undefined>)[LOCAL_CONNECTIONS];
  if (!local) throw new Error('PUSH_TRANSPORT=local, but no local push gateway is installed in this process');
  return local;
}

/** Sends one JSON message to a connection; `gone` when the connection no longer exists (410). */
export async function postMessage(connectionId: string, message: unknown): Promise<'sent' | 'gone'> {
  const local = localConnections();
  if (local) return local.post(connectionId, JSON.stringify(message));
  try {
    await managementClient().send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: encoder.encode(JSON.stringify(message)) }));
    return 'sent';
  } catch (error) {
    if (error instanceof Error && error.name === 'GoneException') return 'gone';
    throw error;
  }
}

/** Closes a connection from the server side (a revoked token); a connection already gone is fine. */
export async function closeConnection(connectionId: string): Promise<void> {
  const local = localConnections();
  if (local) return local.close(connectionId);
  try {
    await managementClient().send(new DeleteConnectionCommand({ ConnectionId: connectionId }));
  } catch (error) {
    if (!(error instanceof Error) || error.name !== 'GoneException') throw error;
  }
}
