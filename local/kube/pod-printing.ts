import { since } from './human-duration.js';
import type { KubeObject } from './store.js';

type ContainerState = {
  waiting?: { reason?: string };
  running?: { startedAt?: string };
  terminated?: { reason?: string; exitCode?: number; signal?: number; finishedAt?: string };
};
type ContainerStatus = { name: string; ready?: boolean; started?: boolean; restartCount?: number; state?: ContainerState; lastState?: ContainerState };
type PodSpec = {
  containers?: { name: string }[];
  initContainers?: { name: string; restartPolicy?: string }[];
  nodeName?: string;
  readinessGates?: { conditionType: string }[];
};
type PodStatus = {
  phase?: string;
  reason?: string;
  podIP?: string;
  podIPs?: { ip: string }[];
  nominatedNodeName?: string;
  conditions?: { type: string; status: string; reason?: string }[];
  initContainerStatuses?: ContainerStatus[];
  containerStatuses?: ContainerStatus[];
};

const terminalPhase = (phase: string | undefined): boolean => phase === 'Succeeded' || phase === 'Failed';
const conditionTrue = (status: PodStatus, type: string): boolean => status.conditions?.some((c) => c.type === type && c.status === 'True') === true;

/** Tracks a restart count and the latest time a container last terminated (the `5 (2m ago)` of RESTARTS). */
class Restarts {
  count = 0;
  last = '';
  add(container: ContainerStatus): void {
    this.count += container.restartCount ?? 0;
    const finished = container.lastState?.terminated?.finishedAt;
    if (finished && finished > this.last) this.last = finished;
  }
  toString(): string {
    return this.count !== 0 && this.last ? `${this.count} (${since(this.last)} ago)` : String(this.count);
  }
}

/** The STATUS an init container gives the pod while it is not done, or undefined when it is done. */
function initReason(container: ContainerStatus, index: number, total: number, restartable: boolean): string | undefined {
  const { terminated, waiting } = container.state ?? {};
  if (terminated && terminated.exitCode === 0) return undefined;
  if (restartable && container.started) return undefined;
  if (terminated) {
    if (terminated.reason) return `Init:${terminated.reason}`;
    return terminated.signal ? `Init:Signal:${terminated.signal}` : `Init:ExitCode:${terminated.exitCode ?? 0}`;
  }
  if (waiting?.reason && waiting.reason !== 'PodInitializing') return `Init:${waiting.reason}`;
  return `Init:${index}/${total}`;
}

/**
 * The cells of a pod's row, computed as kubectl's printer (`printPod` in
 * pkg/printers/internalversion) does: READY counts ready running containers (restartable init
 * containers included), STATUS is the first not-done init container's state, else the last
 * container's waiting or terminated reason (`ImagePullBackOff`, `CrashLoopBackOff`, `Completed`),
 * else the phase; `Terminating` once a non-terminal pod has a deletionTimestamp.
 */
export function podCells(pod: KubeObject): unknown[] {
  const spec = (pod.spec ?? {}) as PodSpec;
  const status = (pod.status ?? {}) as PodStatus;
  const initContainers = new Map((spec.initContainers ?? []).map((c) => [c.name, c.restartPolicy === 'Always']));
  const total = (spec.containers ?? []).length + [...initContainers.values()].filter(Boolean).length;
  let ready = 0;
  let reason = status.reason || status.phase || '';
  if (status.conditions?.some((c) => c.type === 'PodScheduled' && c.reason === 'SchedulingGated')) reason = 'SchedulingGated';

  const all = new Restarts();
  const sidecars = new Restarts();
  let initializing = false;
  for (const [index, container] of (status.initContainerStatuses ?? []).entries()) {
    const restartable = initContainers.get(container.name) === true;
    all.add(container);
    if (restartable) sidecars.add(container);
    const initializingReason = initReason(container, index, initContainers.size, restartable);
    if (initializingReason === undefined) {
      if (restartable && container.started && container.ready) ready++;
      continue;
    }
    reason = initializingReason;
    initializing = true;
    break;
  }

  let restarts = all;
  if (!initializing || conditionTrue(status, 'Initialized')) {
    restarts = sidecars;
    let hasRunning = false;
    const containers = status.containerStatuses ?? [];
    for (let i = containers.length - 1; i >= 0; i--) {
      const container = containers[i]!;
      const { waiting, terminated, running } = container.state ?? {};
      restarts.add(container);
      if (waiting?.reason) reason = waiting.reason;
      else if (terminated?.reason) reason = terminated.reason;
      else if (terminated) reason = terminated.signal ? `Signal:${terminated.signal}` : `ExitCode:${terminated.exitCode ?? 0}`;
      else if (container.ready && running) {
        hasRunning = true;
        ready++;
      }
    }
    if (reason === 'Completed' && hasRunning) reason = conditionTrue(status, 'Ready') ? 'Running' : 'NotReady';
  }
  if (pod.metadata.deletionTimestamp && status.reason === 'NodeLost') reason = 'Unknown';
  else if (pod.metadata.deletionTimestamp && !terminalPhase(status.phase)) reason = 'Terminating';

  const gates = spec.readinessGates ?? [];
  const trueGates = gates.filter((g) => status.conditions?.find((c) => c.type === g.conditionType)?.status === 'True').length;
  return [
    pod.metadata.name,
    `${ready}/${total}`,
    reason,
    restarts.toString(),
    since(pod.metadata.creationTimestamp),
    status.podIPs?.[0]?.ip || status.podIP || '<none>',
    spec.nodeName || '<none>',
    status.nominatedNodeName || '<none>',
    gates.length ? `${trueGates}/${gates.length}` : '<none>',
  ];
}

/** A pod's row conditions: a Completed condition once it succeeded or failed, which kubectl uses to hide finished pods when asked. */
export function podRowConditions(pod: KubeObject): object[] | undefined {
  const phase = (pod.status as PodStatus | undefined)?.phase;
  if (phase === 'Succeeded') return [{ type: 'Completed', status: 'True', reason: 'Succeeded', message: 'The pod has completed successfully.' }];
  if (phase === 'Failed') return [{ type: 'Completed', status: 'True', reason: 'Failed', message: 'The pod failed.' }];
  return undefined;
}
