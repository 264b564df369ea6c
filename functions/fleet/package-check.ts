import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { rootCertificates } from 'node:tls';
import { config } from '#shared/config.js';
import { PackageUrlError, VersionNotFoundError } from './errors.js';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);
// Added to Node's own roots: a `ca` option alone would replace them.
const extraCa = config.packageCaFile ? [...rootCertificates, readFileSync(config.packageCaFile, 'utf8')] : undefined;

/** Refuses a package URL that is not `https://` (loopback `http://` only when the runtime allows it). */
export function assertPackageUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new PackageUrlError(`package_url is not a URL: ${raw}`);
  }
  if (url.protocol === 'https:') return url;
  if (url.protocol === 'http:' && config.allowLoopbackHttp && LOOPBACK.has(url.hostname)) return url;
  throw new PackageUrlError(
    `package_url must be https:// (got ${url.protocol}//${url.hostname})${config.allowLoopbackHttp ? '; http:// is accepted only for loopback hosts' : ''}`,
  );
}

/**
 * A version exists when its package can be fetched: a HEAD request, or when HEAD is not 2xx a GET of
 * the first byte (presigned URLs sign the method, and some servers do not serve HEAD), must answer
 * 2xx within 10 s. Otherwise 40002 naming what failed.
 */
export async function assertFetchable(raw: string, version: string): Promise<void> {
  const url = assertPackageUrl(raw);
  const status = await probe(url, 'HEAD').then((s) => (s >= 200 && s < 300 ? s : probe(url, 'GET')));
  if (status < 200 || status >= 300) throw new VersionNotFoundError(`version ${version} does not exist: its package ${raw} answered HTTP ${status}`);
}

function probe(url: URL, method: 'HEAD' | 'GET'): Promise<number> {
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((done, fail) => {
    const req = send(
      url,
      { method, timeout: 10_000, headers: method === 'GET' ? { range: 'bytes=0-0' } : {}, ...(extraCa && url.protocol === 'https:' ? { ca: extraCa } : {}) },
      (res) => {
        res.resume();
        done(res.statusCode ?? 0);
      },
    );
    req.on('timeout', () => req.destroy(new Error('timed out after 10 s')));
    req.on('error', (error) => fail(new VersionNotFoundError(`version package ${url.href} cannot be fetched: ${error.message}`)));
    req.end();
  });
}
