/**
 * The push protocol's messages (KVCONFIG-DESIGN.md "Push protocol", docs/kvconfig.md): JSON text
 * frames, client → server routed by `action`, server → client by `type`.
 */

/** A namespace as the push API names it. */
export type PushNamespace = { env: string; appId: string; clusterName: string; namespaceName: string };

/** At most this many namespaces in one `subscribe` message (the server's limit). */
export const SUBSCRIBE_BATCH = 100;

export type ServerMessage =
  | { type: 'subscribed'; namespaces: (PushNamespace & { releaseKey: string | null })[] }
  | ({ type: 'changed'; releaseKey: string } & PushNamespace)
  | { type: 'error'; code: number; message: string };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isPushNamespace(value: unknown): value is PushNamespace & Record<string, unknown> {
  return (
    isRecord(value) &&
    typeof value.env === 'string' &&
    typeof value.appId === 'string' &&
    typeof value.clusterName === 'string' &&
    typeof value.namespaceName === 'string'
  );
}

/** The frame's text: Node's WebSocket gives a string for a text frame, `ws` may give a Buffer. */
export function frameText(data: unknown): string | undefined {
  if (typeof data === 'string') return data;
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  if (ArrayBuffer.isView(data)) return Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('utf8');
  if (Array.isArray(data) && data.every((part) => part instanceof Uint8Array)) return Buffer.concat(data).toString('utf8');
  return undefined;
}

/** A server message, or undefined for a frame that is not one (ignored: a newer server may send more types). */
export function parseServerMessage(data: unknown): ServerMessage | undefined {
  const text = frameText(data);
  if (text === undefined) return undefined;
  let message: unknown;
  try {
    message = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isRecord(message)) return undefined;
  switch (message.type) {
    case 'subscribed': {
      const namespaces = message.namespaces;
      if (!Array.isArray(namespaces)) return undefined;
      const checked = namespaces.filter(
        (ns): ns is PushNamespace & { releaseKey: string | null } =>
          isPushNamespace(ns) && (typeof ns.releaseKey === 'string' || ns.releaseKey === null || ns.releaseKey === undefined),
      );
      return { type: 'subscribed', namespaces: checked.map((ns) => ({ ...ns, releaseKey: ns.releaseKey ?? null })) };
    }
    case 'changed':
      if (!isPushNamespace(message) || typeof message.releaseKey !== 'string') return undefined;
      return {
        type: 'changed',
        env: message.env,
        appId: message.appId,
        clusterName: message.clusterName,
        namespaceName: message.namespaceName,
        releaseKey: message.releaseKey,
      };
    case 'error':
      return {
        type: 'error',
        code: typeof message.code === 'number' ? message.code : 0,
        message: typeof message.message === 'string' ? message.message : 'push error',
      };
    default:
      return undefined;
  }
}

/** The `subscribe` messages for `namespaces`, at most SUBSCRIBE_BATCH namespaces each. */
export function subscribeMessages(
  namespaces: (PushNamespace & { releaseKey: string })[],
  gray: { ip?: string | undefined; label?: string | undefined },
): string[] {
  const messages: string[] = [];
  for (let start = 0; start < namespaces.length; start += SUBSCRIBE_BATCH) {
    messages.push(
      JSON.stringify({
        action: 'subscribe',
        namespaces: namespaces.slice(start, start + SUBSCRIBE_BATCH),
        ...(gray.ip !== undefined ? { ip: gray.ip } : {}),
        ...(gray.label !== undefined ? { label: gray.label } : {}),
      }),
    );
  }
  return messages;
}

export const PING_MESSAGE = JSON.stringify({ action: 'ping' });
