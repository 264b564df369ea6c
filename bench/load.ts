import { Agent, request } from 'node:http';

/** A small closed-loop load generator: `concurrency` clients, each sending as fast as answered. */
export type LoadResult = {
  requests: number;
  errors: number;
  seconds: number;
  throughput: number;
  p50Ms: number;
  p99Ms: number;
  /** Every request's latency, sorted (for merging rounds). */
  latencies: readonly number[];
};

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

function summarise(latencies: number[], errors: number, seconds: number): LoadResult {
  latencies.sort((a, b) => a - b);
  return {
    requests: latencies.length,
    errors,
    seconds,
    throughput: latencies.length / seconds,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    latencies,
  };
}

/** Runs `operation` in `concurrency` loops for `seconds`; an operation that answers false or throws is an error. */
export async function loadCalls(options: { concurrency: number; seconds: number; operation: () => Promise<boolean> }): Promise<LoadResult> {
  const latencies: number[] = [];
  let errors = 0;
  const end = Date.now() + options.seconds * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: options.concurrency }, async () => {
      while (Date.now() < end) {
        const t0 = performance.now();
        try {
          if (!(await options.operation())) errors += 1;
        } catch {
          errors += 1;
        }
        latencies.push(performance.now() - t0);
      }
    }),
  );
  return summarise(latencies, errors, (performance.now() - started) / 1000);
}

/** HTTP load: each request's body is read in full; any answer but 2xx or 304 is an error. */
export function load(options: { concurrency: number; seconds: number; request: () => Promise<Response> }): Promise<LoadResult> {
  return loadCalls({
    concurrency: options.concurrency,
    seconds: options.seconds,
    operation: async () => {
      const response = await options.request();
      await response.arrayBuffer();
      return response.ok || response.status === 304;
    },
  });
}

/** Several rounds of the same load as one result (requests and time added up, percentiles over all latencies). */
export function mergeLoads(results: readonly LoadResult[]): LoadResult {
  return summarise(
    results.flatMap((r) => r.latencies),
    results.reduce((sum, r) => sum + r.errors, 0),
    results.reduce((sum, r) => sum + r.seconds, 0),
  );
}

export function formatLoad(name: string, r: LoadResult): string {
  return `${name}: ${r.requests} requests in ${r.seconds.toFixed(1)} s = ${r.throughput.toFixed(0)} req/s, p50 ${r.p50Ms.toFixed(1)} ms, p99 ${r.p99Ms.toFixed(1)} ms, errors ${r.errors}`;
}

/**
 * The load generator's HTTP client: node:http over keep-alive connections, answering the status once
 * the body is read. fetch costs about twice the CPU per request, and on a small machine the client's
 * CPU comes out of the server's share; every throughput figure (this API's and etcd's) uses this.
 */
export function keepAliveClient(): {
  send: (url: string, options?: { method?: string; headers?: Record<string, string>; body?: string }) => Promise<number>;
  close: () => void;
} {
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  return {
    send: (url, options = {}) =>
      new Promise<number>((done, fail) => {
        const req = request(url, { agent, method: options.method ?? 'GET', headers: options.headers ?? {} }, (res) => {
          res.on('data', () => undefined);
          res.once('end', () => done(res.statusCode ?? 0));
          res.once('error', fail);
        });
        req.once('error', fail);
        req.end(options.body);
      }),
    close: () => agent.destroy(),
  };
}
