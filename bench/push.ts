import { WebSocket } from 'ws';
import { BENCH_TOKEN } from './server.js';
import type { BenchServer } from './server.js';

/**
 * `subscribers` push connections subscribe to one namespace; each publish is timed from its answer
 * to every subscriber's `changed` message (the same start point as the long-poll and etcd figures).
 */
export async function pushLatency(
  server: BenchServer,
  ns: { env: string; app: string; cluster: string; namespace: string; path: string },
  subscribers: number,
  rounds: number,
): Promise<number[]> {
  let key = ((await (await server.call('GET', `${ns.path}/configs?size=1`)).json()) as { data: { releaseKey: string } }).data.releaseKey;
  const url = `${server.base.replace(/^http/, 'ws')}/api/v1/push`;
  const arrivals: ((releaseKey: string, at: number) => void)[] = [];
  const sockets: WebSocket[] = [];
  // Connect in batches: a thousand handshakes at once would only measure the accept queue.
  for (let i = 0; i < subscribers; i += 100) {
    await Promise.all(
      Array.from({ length: Math.min(100, subscribers - i) }, async (_, j) => {
        const index = i + j;
        const socket = new WebSocket(url, { headers: { authorization: `Bearer ${BENCH_TOKEN}` } });
        sockets.push(socket);
        await new Promise((done, fail) => {
          socket.once('open', done);
          socket.once('error', fail);
        });
        const subscribed = new Promise<void>((done) => {
          socket.on('message', (data: Buffer) => {
            const message = JSON.parse(data.toString('utf8')) as { type: string; releaseKey?: string };
            if (message.type === 'subscribed') done();
            if (message.type === 'changed' && message.releaseKey) arrivals[index]?.(message.releaseKey, performance.now());
          });
        });
        socket.send(
          JSON.stringify({
            action: 'subscribe',
            namespaces: [{ env: ns.env, appId: ns.app, clusterName: ns.cluster, namespaceName: ns.namespace, releaseKey: key }],
          }),
        );
        await subscribed;
      }),
    );
  }
  const samples: number[] = [];
  for (let round = 0; round < rounds; round += 1) {
    const previous = key;
    // Any key other than the one held is this round's publish (the last round was fully told).
    const seen = Array.from(
      { length: subscribers },
      (_, index) => new Promise<number>((done) => (arrivals[index] = (releaseKey, at) => releaseKey !== previous && done(at))),
    );
    const reply = (await (await server.call('POST', `${ns.path}/releases`, { operator: 'bench' })).json()) as { data: { release_id: string } };
    const committed = performance.now();
    key = reply.data.release_id;
    // A message may arrive before the publish's own answer: that counts as 0 ms.
    for (const at of await Promise.all(seen)) samples.push(Math.max(0, at - committed));
    await new Promise((r) => setTimeout(r, 200));
  }
  for (const socket of sockets) socket.terminate();
  return samples.sort((a, b) => a - b);
}
