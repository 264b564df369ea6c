import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { inject } from 'vitest';
import type { Runtime, RuntimeOptions } from '../../local/runtime.js';
import { startRuntime } from '../../local/runtime.js';
import { openApiMismatch } from './openapi-check.js';

export type TestRuntime = Runtime & { adminToken: string; call: Caller };

export type Reply = { status: number; headers: Headers; body: any; text: string };
export type Caller = (
  method: string,
  path: string,
  options?: { token?: string | null; body?: unknown; rawBody?: string; headers?: Record<string, string> },
) => Promise<Reply>;

/**
 * Starts the local cloud for one test file: the gateway on a free port, in front of the run's shared
 * DynamoDB Local, with tables under a prefix of the file's own. `call` checks every answer against
 * docs/openapi.json and throws when the document and the answer disagree.
 */
export async function startTestRuntime(options: RuntimeOptions = {}): Promise<TestRuntime> {
  const adminToken = options.adminToken ?? `cpt_test_${randomBytes(16).toString('hex')}`;
  const runtime = await startRuntime({
    port: 0,
    dynamodbEndpoint: inject('dynamodbEndpoint'),
    tablePrefix: `t${randomBytes(4).toString('hex')}_`,
    adminToken,
    logLevel: 'SILENT',
    // The local chart repository (myrepo): packaged once per source change, then ~10 ms a start.
    localCharts: true,
    ...options,
  });
  const call: Caller = async (method, path, { token = adminToken, body, rawBody, headers = {} } = {}) => {
    const response = await fetch(`${runtime.url}${path}`, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body !== undefined || rawBody !== undefined ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      ...(rawBody !== undefined ? { body: rawBody } : body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    // Every answer must be what docs/openapi.json says it is (route, status, body), or the test fails.
    const mismatch = openApiMismatch(method, path, response.status, text);
    if (mismatch) throw new Error(mismatch);
    return { status: response.status, headers: response.headers, body: parsed, text };
  };
  return { ...runtime, adminToken, call };
}

/** Sends a request with the path exactly as given (fetch would normalise `..` and `%2e`). */
export function rawGet(url: string, path: string, token: string): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(url);
  return new Promise((done, fail) => {
    const req = request({ hostname, port, path, method: 'GET', headers: { authorization: `Bearer ${token}` } }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => done({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', fail);
    req.end();
  });
}
