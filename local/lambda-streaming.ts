import { Writable } from 'node:stream';

/**
 * A stand-in for the `awslambda` global the Lambda Node.js runtime provides to response-streaming
 * functions (`awslambda.streamifyResponse`, `awslambda.HttpResponseStream.from`), which middy's
 * `streamifyResponse` option calls. Locally a streaming handler is called with a writable that the
 * gateway connects to the HTTP response, as API Gateway's STREAM mode does.
 */
export const STREAMING = Symbol.for('local.lambda.streaming');

export type Prelude = { statusCode?: number; headers?: Record<string, string> };

/**
 * The response stream a streaming handler writes to; `prelude` arrives before the first byte, and
 * `onEnd` as soon as the handler ends the stream — in the same tick as its last write, so that the
 * HTTP response's last chunk and its end leave in one write to the socket, not two.
 */
export class LocalResponseStream extends Writable {
  prelude: Prelude | undefined;
  constructor(
    private readonly onPrelude: (prelude: Prelude) => void,
    private readonly onChunk: (chunk: Buffer) => void,
    private readonly onEnd: () => void = () => undefined,
  ) {
    super();
  }
  setPrelude(prelude: Prelude): void {
    this.prelude = prelude;
    this.onPrelude(prelude);
  }
  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    if (!this.prelude) this.setPrelude({ statusCode: 200, headers: {} });
    this.onChunk(chunk);
    callback();
  }
  override _final(callback: (error?: Error | null) => void): void {
    if (!this.prelude) this.setPrelude({ statusCode: 200, headers: {} });
    this.onEnd();
    callback();
  }
}

type StreamingFn = (event: unknown, stream: LocalResponseStream, context: unknown) => Promise<void>;

/** Installs the `awslambda` global once (no-op inside a real Lambda runtime, which has its own). */
export function installLambdaStreamingGlobal(): void {
  const holder = globalThis as { awslambda?: Record<string, unknown> };
  if (typeof holder.awslambda?.streamifyResponse === 'function') return;
  holder.awslambda = {
    ...holder.awslambda,
    streamifyResponse: (fn: StreamingFn) => Object.assign(fn, { [STREAMING]: true }),
    HttpResponseStream: {
      from: (stream: LocalResponseStream, prelude: Prelude) => {
        stream.setPrelude(prelude);
        return stream;
      },
    },
  };
}

export function isStreaming(fn: unknown): fn is StreamingFn {
  return typeof fn === 'function' && (fn as unknown as Record<symbol, unknown>)[STREAMING] === true;
}
