/** A small closed-loop HTTP load generator: `concurrency` clients, each sending as fast as answered. */
export type LoadResult = { requests: number; errors: number; seconds: number; throughput: number; p50Ms: number; p99Ms: number };

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

export async function load(options: { concurrency: number; seconds: number; request: () => Promise<Response> }): Promise<LoadResult> {
  const latencies: number[] = [];
  let errors = 0;
  const end = Date.now() + options.seconds * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: options.concurrency }, async () => {
      while (Date.now() < end) {
        const t0 = performance.now();
        try {
          const response = await options.request();
          await response.arrayBuffer();
          if (!response.ok && response.status !== 304) errors += 1;
        } catch {
          errors += 1;
        }
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    requests: latencies.length,
    errors,
    seconds,
    throughput: latencies.length / seconds,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
  };
}

export function formatLoad(name: string, r: LoadResult): string {
  return `${name}: ${r.requests} requests in ${r.seconds.toFixed(1)} s = ${r.throughput.toFixed(0)} req/s, p50 ${r.p50Ms.toFixed(1)} ms, p99 ${r.p99Ms.toFixed(1)} ms, errors ${r.errors}`;
}
