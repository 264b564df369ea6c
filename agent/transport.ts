import { rootCertificates } from 'node:tls';
import { Agent, type Dispatcher } from 'undici';

/**
 * The HTTP connection pool for the API and package downloads. An extra CA bundle is trusted *in
 * addition to* Node's bundled roots (passing `ca` alone would replace them).
 */
export function createDispatcher(caPem?: string): Agent {
  return new Agent({
    connect: caPem ? { ca: [...rootCertificates, caPem] } : {},
    // Long polls hold a request open for up to `command_wait_seconds`; the agent sets its own
    // per-request deadlines, so undici's 300 s defaults only need to stay out of the way.
    headersTimeout: 0,
    bodyTimeout: 0,
    keepAliveTimeout: 30_000,
  });
}

export type { Dispatcher };

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** True when `url` names this machine, where plain HTTP cannot be intercepted. */
export function isLoopback(url: URL): boolean {
  return LOOPBACK_HOSTS.has(url.hostname);
}
