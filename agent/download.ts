import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { fetch, type Dispatcher } from 'undici';
import { backoffDelayMs, sleep } from './backoff.js';
import { ChecksumMismatchError, DownloadError, describeCause } from './errors.js';
import type { Logger } from './logger.js';
import { isLoopback } from './transport.js';

export type DownloadOptions = {
  url: string;
  /** Lower-case hex; verified when given. */
  sha256: string | null;
  /** Folder to write into (`<dir>/downloads`). */
  folder: string;
  dispatcher: Dispatcher;
  signal: AbortSignal;
  logger: Logger;
  /** Attempts on network errors and 5xx; a 4xx fails at once. */
  attempts?: number;
};

const MAX_REDIRECTS = 5;

/**
 * Downloads a package to `folder`, streaming to disk and hashing on the way. Plain HTTP is allowed
 * only to loopback hosts, checked again on every redirect.
 */
export async function downloadPackage(options: DownloadOptions): Promise<{ file: string; sha256: string; bytes: number }> {
  const attempts = options.attempts ?? 3;
  for (let attempt = 0; ; attempt++) {
    try {
      return await downloadOnce(options);
    } catch (error) {
      const retryable = error instanceof RetryableDownloadError;
      if (!retryable || attempt + 1 >= attempts || options.signal.aborted) throw retryable ? new DownloadError(error.message, { cause: error }) : error;
      options.logger.warn('download.retrying', { url: redact(options.url), attempt, error: describeCause(error) });
      await sleep(backoffDelayMs(attempt + 1), options.signal);
    }
  }
}

class RetryableDownloadError extends Error {
  override name = 'RetryableDownloadError';
}

async function downloadOnce(options: DownloadOptions): Promise<{ file: string; sha256: string; bytes: number }> {
  let url = checkPackageUrl(options.url);
  let response: Awaited<ReturnType<typeof fetch>> | null = null;
  for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
    try {
      response = await fetch(url, { dispatcher: options.dispatcher, signal: options.signal, redirect: 'manual' });
    } catch (error) {
      if (options.signal.aborted) throw error;
      throw new RetryableDownloadError(`could not fetch ${redact(url.href)}: ${describeCause(error)}`, { cause: error });
    }
    const location = response.headers.get('location');
    if (response.status < 300 || response.status >= 400 || location === null) break;
    await response.body?.cancel();
    url = checkPackageUrl(new URL(location, url).href);
    response = null;
  }
  if (response === null) throw new DownloadError(`more than ${MAX_REDIRECTS} redirects from ${redact(options.url)}`);
  if (response.status !== 200 || response.body === null) {
    await response.body?.cancel();
    const message = `package download from ${redact(url.href)} answered HTTP ${response.status}`;
    throw response.status >= 500 || response.status === 429 ? new RetryableDownloadError(message) : new DownloadError(message);
  }

  const part = join(options.folder, `${Date.now()}-${randomBytes(6).toString('hex')}.tar.gz.part`);
  const hash = createHash('sha256');
  let bytes = 0;
  try {
    await pipeline(
      response.body,
      async function* hashChunks(source: AsyncIterable<Uint8Array>) {
        for await (const chunk of source) {
          hash.update(chunk);
          bytes += chunk.length;
          yield chunk;
        }
      },
      createWriteStream(part),
      { signal: options.signal },
    );
  } catch (error) {
    await rm(part, { force: true });
    if (options.signal.aborted) throw error;
    throw new RetryableDownloadError(`download from ${redact(url.href)} broke off after ${bytes} bytes: ${describeCause(error)}`, { cause: error });
  }
  const actual = hash.digest('hex');
  if (options.sha256 !== null && actual !== options.sha256) {
    await rm(part, { force: true });
    throw new ChecksumMismatchError(options.sha256, actual);
  }
  const file = part.replace(/\.part$/, '');
  await rename(part, file);
  return { file, sha256: actual, bytes };
}

/** Accepts `https://`, and `http://` only to 127.0.0.1, localhost or [::1]. */
export function checkPackageUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new DownloadError(`package_url is not a URL: ${JSON.stringify(raw.slice(0, 200))}`);
  }
  if (url.protocol === 'https:') return url;
  if (url.protocol === 'http:' && isLoopback(url)) return url;
  throw new DownloadError(`package_url must be https:// (http:// only to 127.0.0.1, localhost or ::1); got ${url.protocol}//${url.host}`);
}

/** Drops the query string: presigned URLs carry credentials there. */
export function redact(url: string): string {
  const index = url.indexOf('?');
  return index === -1 ? url : `${url.slice(0, index)}?…`;
}
