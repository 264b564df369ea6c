import type { KubeObject } from '#functions/helm/readiness.js';
import { podProblem } from '#functions/helm/readiness.js';
import type { AppRecord } from '#functions/helm/store/records.js';

/**
 * The document's status codes from what the cluster is doing (CONTRACTS.md): the app's Helm
 * operation, its pods and their events. Each code carries the reason behind it — the scheduler's
 * message, the image being pulled, the crash — which the routes return beside the document's fields.
 */
export const STATUS = {
  queuing: '00',
  pulling: '10',
  creating: '11',
  initing: '12',
  running: '30',
  stop: '40',
  error: '50',
} as const;
export type StatusName = keyof typeof STATUS;
export type AppStatus = Readonly<{ status: StatusName; status_code: (typeof STATUS)[StatusName]; reason: string }>;

type Event = {
  reason?: string;
  message?: string;
  involvedObject?: { name?: string };
  lastTimestamp?: string | Date;
  eventTime?: string | Date;
  count?: number;
};

const at = (status: StatusName, reason: string): AppStatus => ({ status, status_code: STATUS[status], reason });

/** Whether the image of a pod is being pulled: its latest pull event is `Pulling`, with no `Pulled` after it. */
function pulling(pod: KubeObject, events: readonly Event[]): Event | undefined {
  const own = events
    .filter((e) => e.involvedObject?.name === pod.metadata?.name && (e.reason === 'Pulling' || e.reason === 'Pulled'))
    .sort((a, b) => new Date(a.lastTimestamp ?? a.eventTime ?? 0).getTime() - new Date(b.lastTimestamp ?? b.eventTime ?? 0).getTime());
  const last = own.at(-1);
  return last?.reason === 'Pulling' ? last : undefined;
}

type Statuses = { name?: string; ready?: boolean; state?: { waiting?: { reason?: string }; running?: unknown; terminated?: unknown } }[];

/** The phase of one pod that is not ready and not failing. */
function podPhase(pod: KubeObject, events: readonly Event[]): AppStatus {
  const name = pod.metadata?.name ?? '?';
  const scheduled = ((pod.status?.conditions ?? []) as { type?: string; status?: string; message?: string }[]).find((c) => c.type === 'PodScheduled');
  if (scheduled?.status !== 'True') return at('queuing', `pod ${name} is waiting for a node${scheduled?.message ? `: ${scheduled.message}` : ''}`);
  const pull = pulling(pod, events);
  if (pull) return at('pulling', `pod ${name}: ${pull.message ?? 'pulling the image'}`);
  const inits = (pod.status?.initContainerStatuses ?? []) as Statuses;
  const initRunning = inits.find((c) => c.state?.running || c.state?.waiting?.reason === 'PodInitializing');
  if (initRunning) return at('initing', `pod ${name}: init container ${initRunning.name ?? '?'} is running`);
  const mains = (pod.status?.containerStatuses ?? []) as Statuses;
  if (inits.some((c) => !c.state?.terminated)) return at('creating', `pod ${name}: init containers starting`);
  const waiting = mains.find((c) => c.state?.waiting?.reason);
  if (waiting) return at('creating', `pod ${name}: ${waiting.state?.waiting?.reason ?? 'ContainerCreating'}`);
  return at('initing', `pod ${name}: started, waiting for readiness`);
}

/**
 * The status of an app: `40` when scaled to zero (or being removed), `50` when its last operation
 * failed or a pod is failing, `30` when every pod is ready and no operation is in flight, else the
 * phase of the pod furthest behind; `00` when nothing runs yet (queued, or no pod scheduled).
 */
export function appStatus(
  app: AppRecord,
  pods: readonly KubeObject[],
  events: readonly Event[],
  options: { now: number; imagePullGraceSeconds: number },
): AppStatus {
  const op = app.operation;
  if (op?.kind === 'delete' || app.state === 'removing') return at('stop', 'uninstalling');
  if (op?.kind === 'pause') return at('stop', 'stopping: scaling to zero, data kept');
  if (app.paused && !op) return at('stop', 'stopped: scaled to zero, data kept');
  const live = pods.filter((p) => !(p.metadata as { deletionTimestamp?: unknown } | undefined)?.deletionTimestamp);
  for (const pod of live) {
    const problem = podProblem(pod, options);
    if (problem?.failed) return problem.message.includes(' Unschedulable: ') ? at('queuing', problem.message) : at('error', problem.message);
  }
  if (!op && app.state === 'error') return at('error', app.transitioning_message || 'the last operation failed');
  const behind = live.filter((pod) => podProblem(pod, options) !== undefined);
  if (behind.length === 0 && live.length > 0 && !op) return at('running', `${live.length} of ${live.length} pods ready`);
  if (live.length === 0) return at('queuing', op ? `${op.kind} queued: waiting for the release's pods` : 'no pod is running');
  const order: StatusName[] = ['queuing', 'pulling', 'creating', 'initing'];
  const phases = (behind.length > 0 ? behind : live).map((pod) => podPhase(pod, events));
  if (behind.length === 0) return at('initing', `${op?.kind ?? 'operation'} finishing: checking that the pods stay up`);
  return phases.sort((a, b) => order.indexOf(a.status) - order.indexOf(b.status))[0] ?? at('initing', '');
}
