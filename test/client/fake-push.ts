import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { WebSocket } from 'ws';
import { WebSocketServer } from 'ws';
import type { TestRuntime } from '../helpers/runtime.js';
import { kvPaths } from '../kvconfig/helpers.js';

type SubscribedNamespace = { env: string; appId: string; clusterName: string; namespaceName: string; releaseKey: string };

/**
 * A push server speaking the protocol of KVCONFIG-DESIGN.md in front of the real runtime: checks
 * the bearer token at the upgrade (401 otherwise), answers `subscribe` with the runtime's current
 * keys and a `changed` for every stale one, counts pings. The test tells it when to send `changed`
 * (notify) and can refuse connections or end them, to drive the client's fallback and reconnects.
 */
export async function startFakePush(rt: TestRuntime, token: string) {
  const sockets = new Set<WebSocket>();
  const state = {
    refuse: false,
    /** Answer `subscribe` with this error instead of subscribing. */
    subscribeError: undefined as { code: number; message: string } | undefined,
    authorizations: [] as string[],
    subscribes: [] as { action: string; namespaces: SubscribedNamespace[]; ip?: string; label?: string }[],
    pings: 0,
  };
  const currentKey = async (ns: SubscribedNamespace): Promise<string | null> => {
    const reply = await rt.call('GET', kvPaths(ns.env, ns.appId, ns.clusterName, ns.namespaceName).configs);
    return reply.status === 200 ? (reply.body.data.releaseKey as string) : null;
  };
  const wss = new WebSocketServer({ noServer: true });
  const server = createServer((_req, res) => res.writeHead(404).end());
  server.on('upgrade', (req, socket, head) => {
    state.authorizations.push(req.headers.authorization ?? '');
    if (state.refuse || req.headers.authorization !== `Bearer ${token}`) {
      socket.end('HTTP/1.1 401 Unauthorized\r\ncontent-length: 0\r\nconnection: close\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      sockets.add(ws);
      ws.on('close', () => sockets.delete(ws));
      ws.on('message', (data: Buffer) => {
        const message = JSON.parse(data.toString());
        if (message.action === 'ping') state.pings += 1;
        if (message.action !== 'subscribe') return;
        state.subscribes.push(message);
        if (state.subscribeError) {
          ws.send(JSON.stringify({ type: 'error', ...state.subscribeError }));
          return;
        }
        void (async () => {
          const namespaces = message.namespaces as SubscribedNamespace[];
          const current = await Promise.all(namespaces.map(currentKey));
          ws.send(JSON.stringify({ type: 'subscribed', namespaces: namespaces.map(({ releaseKey: _held, ...ns }, i) => ({ ...ns, releaseKey: current[i] })) }));
          namespaces.forEach((ns, i) => {
            const latest = current[i];
            if (latest && latest !== ns.releaseKey) ws.send(JSON.stringify({ type: 'changed', ...ns, releaseKey: latest }));
          });
        })();
      });
    });
  });
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  const { port } = server.address() as AddressInfo;
  return {
    url: `ws://127.0.0.1:${port}/api/v1/push`,
    state,
    get connections() {
      return sockets.size;
    },
    /** Sends `changed` to every connection. */
    notify(ns: Omit<SubscribedNamespace, 'releaseKey'>, releaseKey: string) {
      for (const ws of sockets) ws.send(JSON.stringify({ type: 'changed', ...ns, releaseKey }));
    },
    /** Ends every connection as API Gateway does after 2 hours (or a network cut). */
    dropAll() {
      for (const ws of sockets) ws.terminate();
    },
    async close() {
      for (const ws of sockets) ws.terminate();
      await new Promise<void>((done) => wss.close(() => done()));
      await new Promise<void>((done) => server.close(() => done()));
    },
  };
}
