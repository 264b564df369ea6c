import { WebSocket } from 'ws';

export type PushMessage = { type: string; [field: string]: unknown };

/** A push API client for tests: every message kept in order; `next` waits (with a deadline) for one that matches. */
export type PushTestClient = {
  socket: WebSocket;
  messages: PushMessage[];
  send: (message: unknown) => void;
  next: (match: (m: PushMessage) => boolean, timeoutMs?: number) => Promise<PushMessage>;
  closed: Promise<{ code: number }>;
  close: () => Promise<void>;
};

/** The push URL of a runtime (`ws://…/api/v1/push`). */
export const pushUrl = (httpUrl: string) => `${httpUrl.replace(/^http/, 'ws')}/api/v1/push`;

/** Opens a push connection; rejects with the handshake's HTTP status when it is refused. */
export function connectPush(httpUrl: string, token: string | undefined): Promise<PushTestClient> {
  const socket = new WebSocket(pushUrl(httpUrl), token ? { headers: { authorization: `Bearer ${token}` } } : {});
  const messages: PushMessage[] = [];
  const waiters = new Set<() => void>();
  socket.on('message', (data: Buffer) => {
    messages.push(JSON.parse(data.toString('utf8')) as PushMessage);
    for (const wake of waiters) wake();
  });
  const closed = new Promise<{ code: number }>((done) => socket.on('close', (code) => done({ code })));
  let read = 0;
  const client: PushTestClient = {
    socket,
    messages,
    send: (message) => socket.send(JSON.stringify(message)),
    // Messages are consumed in order: `next` returns the first unread one that matches.
    next: (match, timeoutMs = 30_000) =>
      new Promise((done, fail) => {
        const check = () => {
          for (let i = read; i < messages.length; i += 1) {
            const message = messages[i]!;
            if (match(message)) {
              read = i + 1;
              waiters.delete(check);
              clearTimeout(timer);
              done(message);
              return;
            }
          }
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          fail(new Error(`no matching push message within ${timeoutMs} ms; got ${JSON.stringify(messages.slice(read))}`));
        }, timeoutMs);
        waiters.add(check);
        check();
      }),
    closed,
    close: async () => {
      socket.close();
      await closed;
    },
  };
  return new Promise((done, fail) => {
    socket.once('open', () => done(client));
    socket.once('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => fail(Object.assign(new Error(`handshake refused: ${res.statusCode} ${body}`), { status: res.statusCode, body })));
    });
    socket.once('error', fail);
  });
}
