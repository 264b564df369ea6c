import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Context, StreamifyHandler } from 'aws-lambda';
import type { ProxyResult } from './families.js';

/** middy's piece size for streamed string bodies (Node's default high-water mark). */
const STREAM_PIECE_CHARS = 16 * 1024;

function* pieces(body: string): Generator<string> {
  for (let at = 0; at < body.length; at += STREAM_PIECE_CHARS) yield body.slice(at, at + STREAM_PIECE_CHARS);
}

/**
 * Lambda response streaming for a handler that answers a whole `ProxyResult`, as middy's
 * `streamifyResponse` does it: the result without its body is the prelude (status, headers), then
 * the body is written. A body under 16 KiB (a `configs` page of 100 items, every error) is one write
 * and the end; a larger one goes through `pipeline` in 16 KiB pieces with backpressure, exactly as
 * middy sends it. middy builds that Readable and `pipeline` for every body, and the pipeline's
 * clean-up (an AbortError with its stack per request) cost more CPU than writing a configs page.
 * Even an empty body is written once: Lambda sends the prelude with the first write (middy #1189).
 */
export function streamifyResult<E>(handler: (event: E, context: Context) => Promise<ProxyResult>): StreamifyHandler<E, void> {
  return awslambda.streamifyResponse<E, void>(async function streamResult(event, responseStream, context) {
    const { body, ...prelude } = await handler(event, context);
    const out = awslambda.HttpResponseStream.from(responseStream, prelude);
    if (body.length >= STREAM_PIECE_CHARS) return pipeline(Readable.from(pieces(body)), out);
    await new Promise<void>((done, fail) => {
      out.write(body);
      out.end((error?: Error | null) => (error ? fail(error) : done()));
    });
  });
}
