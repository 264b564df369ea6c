import type { Response } from 'undici';

/** Reads newline-delimited watch events from a fetch response until `until` says stop (or the stream ends). */
export async function readWatch(response: Response, until: (events: WatchLine[]) => boolean): Promise<WatchLine[]> {
  const events: WatchLine[] = [];
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  try {
    while (!until(events)) {
      const { done, value } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      let newline: number;
      while ((newline = buffer.indexOf('\n')) >= 0) {
        events.push(JSON.parse(buffer.slice(0, newline)) as WatchLine);
        buffer = buffer.slice(newline + 1);
      }
    }
  } finally {
    await reader.cancel();
  }
  return events;
}

export type WatchLine = {
  type: string;
  object: {
    kind?: string;
    apiVersion?: string;
    code?: number;
    reason?: string;
    metadata: { name?: string; resourceVersion?: string; annotations?: Record<string, string> };
  };
};
