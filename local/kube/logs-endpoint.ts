/**
 * `GET /api/v1/namespaces/{ns}/pods/{name}/log`: a container's output from the cluster's
 * PodLogBook, as text/plain, with kubectl's options (`container`, `previous`, `tailLines`,
 * `timestamps`, `limitBytes`, `sinceSeconds`/`sinceTime`, `follow`). The refusals are the API
 * server's and the kubelet's, word for word, because kubectl prints them as they come.
 */
import type { ServerResponse } from 'node:http';
import * as z from 'zod';
import type { PodLogBook } from './cluster/logs.js';
import { badRequest } from './errors.js';
import type { KubeRest } from './rest.js';
import type { KubeObject } from './store.js';

const flag = z
  .enum(['true', 'false', '1', '0'])
  .optional()
  .transform((v) => v === 'true' || v === '1');
const positive = (name: string) =>
  z.coerce
    .number()
    .int()
    .refine((n) => n > 0, `${name} must be greater than 0`)
    .optional();

const LogQuerySchema = z.object({
  container: z.string().optional(),
  follow: flag,
  previous: flag,
  timestamps: flag,
  tailLines: z.coerce.number().int().nonnegative().optional(),
  limitBytes: positive('limitBytes'),
  sinceSeconds: positive('sinceSeconds'),
  sinceTime: z.iso.datetime().optional(),
});
type LogQuery = z.infer<typeof LogQuerySchema>;

type ContainerState = { waiting?: { reason?: string }; running?: object; terminated?: object };
type ContainerStatus = { name: string; state?: ContainerState; lastState?: ContainerState };
type PodShape = {
  spec?: { containers?: { name: string }[]; initContainers?: { name: string }[]; ephemeralContainers?: { name: string }[] };
  status?: { containerStatuses?: ContainerStatus[]; initContainerStatuses?: ContainerStatus[]; ephemeralContainerStatuses?: ContainerStatus[] };
};

function parseQuery(query: URLSearchParams): LogQuery {
  const parsed = LogQuerySchema.safeParse(Object.fromEntries(query));
  if (!parsed.success) throw badRequest(`invalid log options: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  if (parsed.data.sinceSeconds !== undefined && parsed.data.sinceTime !== undefined)
    throw badRequest('at most one of sinceTime or sinceSeconds may be specified');
  return parsed.data;
}

/** The container the request means: the one named, or the only one; refusals as kube-apiserver words them. */
function containerOf(pod: KubeObject, requested: string | undefined): string {
  const { spec = {} } = pod as PodShape;
  const names = (spec.containers ?? []).map((c) => c.name);
  const initNames = (spec.initContainers ?? []).map((c) => c.name);
  const name = pod.metadata.name;
  if (!requested) {
    if (names.length === 1) return names[0]!;
    const init = initNames.length ? ` or one of the init containers: [${initNames.join(' ')}]` : '';
    throw badRequest(`a container name must be specified for pod ${name}, choose one of: [${names.join(' ')}]${init}`);
  }
  const valid = [...names, ...initNames, ...(spec.ephemeralContainers ?? []).map((c) => c.name)];
  if (!valid.includes(requested)) throw badRequest(`container ${requested} is not valid for pod ${name}`);
  return requested;
}

function statusOf(pod: KubeObject, container: string): ContainerStatus | undefined {
  const { status = {} } = pod as PodShape;
  return [...(status.containerStatuses ?? []), ...(status.initContainerStatuses ?? []), ...(status.ephemeralContainerStatuses ?? [])].find(
    (s) => s.name === container,
  );
}
const stateOf = (pod: KubeObject, container: string): ContainerState | undefined => statusOf(pod, container)?.state;

/**
 * The lines of the container instance the request reads, checked as the kubelet does: a container
 * waiting for its first start has none (400), `previous` needs an instance that terminated before,
 * and a container waiting to restart (CrashLoopBackOff) shows its last run.
 */
function linesOf(logs: PodLogBook, pod: KubeObject, container: string, previous: boolean): string[] {
  const found = statusOf(pod, container);
  const { metadata } = pod;
  const waitingNow = found?.state?.waiting !== undefined || found?.state === undefined;
  const ranBefore = found?.lastState?.terminated !== undefined;
  if (previous) {
    // While waiting to restart, the book's current instance is the run that terminated last.
    const lines = ranBefore ? logs.read(metadata.namespace ?? '', metadata.name, container, !waitingNow) : undefined;
    if (!lines) throw badRequest(`previous terminated container "${container}" in pod "${metadata.name}" not found`);
    return lines;
  }
  if (waitingNow && !ranBefore)
    throw badRequest(`container "${container}" in pod "${metadata.name}" is waiting to start: ${found?.state?.waiting?.reason || 'ContainerCreating'}`);
  return logs.read(metadata.namespace ?? '', metadata.name, container) ?? [];
}

// The book stores `<RFC 3339 time> <text>`.
const timeOf = (line: string): number => Date.parse(line.slice(0, line.indexOf(' ')));
const textOf = (line: string, timestamps: boolean): string => (timestamps ? line : line.slice(line.indexOf(' ') + 1));

/** Serves the log request; with `follow`, keeps streaming until the client goes, the container stops or the pod is deleted. */
export function serveLogs(rest: KubeRest, logs: PodLogBook, namespace: string, name: string, query: URLSearchParams, response: ServerResponse): void {
  const options = parseQuery(query);
  const pod = rest.get(rest.registry.find('', 'v1', 'pods')!, namespace, name);
  const container = containerOf(pod, options.container);
  const since = options.sinceSeconds !== undefined ? Date.now() - options.sinceSeconds * 1000 : options.sinceTime ? Date.parse(options.sinceTime) : undefined;
  let lines = linesOf(logs, pod, container, options.previous);
  if (since !== undefined) lines = lines.filter((line) => timeOf(line) >= since);
  if (options.tailLines !== undefined) lines = options.tailLines === 0 ? [] : lines.slice(-options.tailLines);

  let budget = options.limitBytes ?? Number.POSITIVE_INFINITY;
  /** Writes within the byte limit; false once the limit is reached. */
  const write = (text: string): boolean => {
    const bytes = Buffer.from(text);
    const chunk = bytes.length > budget ? bytes.subarray(0, budget) : bytes;
    budget -= chunk.length;
    if (chunk.length > 0) response.write(chunk);
    return budget > 0;
  };
  response.writeHead(200, { 'Content-Type': 'text/plain', ...(options.follow ? { 'Transfer-Encoding': 'chunked', 'Cache-Control': 'no-cache' } : {}) });
  const open = write(lines.map((line) => `${textOf(line, options.timestamps)}\n`).join(''));
  if (!options.follow || options.previous || !open || stateOf(pod, container)?.terminated) return void response.end();

  response.flushHeaders();
  const stopFollowing = logs.follow(namespace, name, container, (line) => {
    if (!write(`${textOf(line, options.timestamps)}\n`)) response.end();
  });
  // Like the kubelet's follow, the stream ends when the container stops (or its pod is gone).
  const unsubscribe = rest.store.subscribe((event) => {
    if (event.plural !== 'pods' || event.group !== '' || event.namespace !== namespace || event.name !== name) return;
    if (event.type === 'DELETED' || stateOf(event.object, container)?.terminated !== undefined) response.end();
  });
  const stop = (): void => {
    stopFollowing();
    unsubscribe();
  };
  response.on('close', stop);
  response.on('finish', stop);
}
