import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { WorkflowRunner } from './runner.js';
import { handleSfnRequest } from './sfn-protocol.js';

/**
 * A bare HTTP server that speaks the Step Functions JSON protocol for one runner, on any path:
 * point `SFNClient`'s `endpoint` at it. For tests; the local gateway mounts `handleSfnRequest`
 * on a path of its own port instead.
 */
export function createSfnServer(runner: WorkflowRunner): Server {
  return createServer((request, response) => {
    void serveSfnRequest(runner, request, response);
  });
}

async function serveSfnRequest(runner: WorkflowRunner, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  const target = request.headers['x-amz-target'];
  const reply = await handleSfnRequest(runner, typeof target === 'string' ? target : '', Buffer.concat(chunks).toString('utf8'));
  response.writeHead(reply.statusCode, reply.headers);
  response.end(reply.body);
}
