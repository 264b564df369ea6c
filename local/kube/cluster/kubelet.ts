import { createHash, randomBytes } from 'node:crypto';
import type { StoreEvent } from '../store.js';
import type { EventRecorder } from './events.js';
import type { Controller, ControllerHost, Target } from './host.js';
import { imageBehaviour, pullErrorMessage, qualifiedImage, type ImageBehaviour } from './images.js';
import type { PodLogBook } from './logs.js';
import { nodeAddress } from './nodes.js';
import { conditionOf, isTerminal, now, setCondition, type Condition, type Container, type Pod, type PodStatus } from './pods.js';

/** Simulated durations at time scale 1 (ms); the settings' `timeScale` multiplies them. */
export const STAGE_MS = {
  pull: 2000,
  pullError: 1000,
  create: 500,
  initRun: 1500,
  jobRun: 3000,
  crashRun: 1500,
  probeDelay: 1000,
  terminate: 1000,
  backoffBase: 10_000,
  backoffMax: 300_000,
} as const;

type Step = 'waiting' | 'pulling' | 'pull-error' | 'pull-backoff' | 'creating' | 'running' | 'crash-backoff' | 'exited';
type Terminated = { exitCode: number; reason: string; startedAt: string; finishedAt: string; containerID: string };
type Sim = {
  container: Container;
  init: boolean;
  behaviour: ImageBehaviour;
  step: Step;
  dueAt: number;
  restartCount: number;
  pullFailures: number;
  ready: boolean;
  containerID?: string;
  startedAt?: string;
  terminated?: Terminated;
  lastTerminated?: Terminated;
};
type PodSim = { uid: string; sims: Sim[]; terminatingSince?: number };

const SOURCE = (node: string) => ({ component: 'kubelet', host: node });
const fieldPath = (sim: Sim): string => `spec.${sim.init ? 'initContainers' : 'containers'}{${sim.container.name}}`;
const containerId = (): string => `containerd://${randomBytes(32).toString('hex')}`;
const imageId = (image: string): string => `${qualifiedImage(image).split(':')[0]}@sha256:${createHash('sha256').update(image).digest('hex')}`;
const backoff = (attempt: number): number => Math.min(STAGE_MS.backoffBase * 2 ** Math.max(0, attempt - 1), STAGE_MS.backoffMax);

/**
 * The kubelet stand-in: it runs no containers, but moves every pod bound to a node through what a
 * real kubelet reports — image pull, container creation, init containers one by one, start,
 * readiness — writing the pod's status and recording the events (`Pulling`, `Pulled`, `Created`,
 * `Started`, `BackOff`, `Failed`, `Killing`) and log lines at each step. How a container behaves
 * is decided by its image (images.ts). Pods being deleted are stopped and removed after a short
 * termination. Durations are STAGE_MS × the time scale.
 */
export class Kubelet implements Controller {
  readonly name = 'kubelet';
  private readonly pods = new Map<string, PodSim>();

  constructor(
    private readonly events: EventRecorder,
    private readonly logs: PodLogBook,
  ) {}

  targetsOf(event: StoreEvent): Target[] {
    if (event.group !== '' || event.plural !== 'pods') return [];
    if (event.type === 'DELETED') {
      this.pods.delete(event.object.metadata.uid ?? '');
      this.logs.forget(event.namespace, event.name);
      return [];
    }
    return (event.object as Pod).spec.nodeName ? [event] : [];
  }

  initialTargets(host: ControllerHost): Target[] {
    return (host.list('', 'pods') as Pod[])
      .filter((p) => p.spec.nodeName && !isTerminal(p))
      .map((p) => ({ group: '', plural: 'pods', namespace: p.metadata.namespace ?? '', name: p.metadata.name }));
  }

  reconcile(target: Target, host: ControllerHost): { afterMs: number } | undefined {
    const pod = host.get('', 'pods', target.namespace, target.name) as Pod | undefined;
    if (!pod?.spec.nodeName) return undefined;
    const state = this.stateOf(pod);
    const clock = Date.now();
    if (pod.metadata.deletionTimestamp) return this.terminate(pod, state, host, clock);
    if (isTerminal(pod)) return undefined;
    for (let progressed = true; progressed;) {
      progressed = false;
      for (const sim of this.active(pod, state)) {
        while (sim.dueAt <= clock && sim.step !== 'exited') {
          this.advance(pod, sim, host, clock);
          progressed = true;
        }
      }
    }
    this.writeStatus(pod, state, host);
    const next = Math.min(...state.sims.map((s) => (s.step === 'exited' ? Infinity : s.dueAt)));
    return Number.isFinite(next) ? { afterMs: Math.max(1, next - clock) } : undefined;
  }

  /** The containers whose turn it is: the first unfinished init container, else every app container. */
  private active(pod: Pod, state: PodSim): Sim[] {
    const inits = state.sims.filter((s) => s.init);
    const pending = inits.find((s) => s.step !== 'exited');
    if (pending) return [pending];
    if (inits.some((s) => s.terminated?.exitCode !== 0)) return [];
    return state.sims.filter((s) => !s.init);
  }

  private advance(pod: Pod, sim: Sim, host: ControllerHost, clock: number): void {
    const node = pod.spec.nodeName!;
    const record = (type: 'Normal' | 'Warning', reason: string, message: string): void =>
      this.events.record(pod, type, reason, message, SOURCE(node), fieldPath(sim));
    const image = sim.container.image;
    const at = (ms: number): number => clock + host.scaled(ms);
    switch (sim.step) {
      case 'waiting':
      case 'pull-backoff':
        record('Normal', 'Pulling', `Pulling image "${image}"`);
        Object.assign(sim, { step: 'pulling', dueAt: at(STAGE_MS.pull) });
        return;
      case 'pulling':
        if (sim.behaviour === 'unpullable') {
          sim.pullFailures += 1;
          record('Warning', 'Failed', `Failed to pull image "${image}": ${pullErrorMessage(image)}`);
          record('Warning', 'Failed', 'Error: ErrImagePull');
          Object.assign(sim, { step: 'pull-error', dueAt: at(STAGE_MS.pullError) });
          return;
        }
        record('Normal', 'Pulled', `Successfully pulled image "${image}" in ${(host.scaled(STAGE_MS.pull) / 1000).toFixed(3)}s. Image size: 12582912 bytes.`);
        Object.assign(sim, { step: 'creating', dueAt: at(STAGE_MS.create) });
        return;
      case 'pull-error':
        record('Normal', 'BackOff', `Back-off pulling image "${image}"`);
        record('Warning', 'Failed', 'Error: ImagePullBackOff');
        Object.assign(sim, { step: 'pull-backoff', dueAt: at(backoff(sim.pullFailures)) });
        return;
      case 'crash-backoff':
        record('Normal', 'Pulled', `Container image "${image}" already present on machine`);
        Object.assign(sim, { step: 'creating', dueAt: at(STAGE_MS.create) });
        return;
      case 'creating':
        this.start(pod, sim, host, clock, record);
        return;
      case 'running':
        if (this.exits(pod, sim)) return this.exit(pod, sim, host, clock, record);
        Object.assign(sim, { ready: sim.behaviour !== 'notready', dueAt: Infinity });
        return;
      case 'exited':
        return;
    }
  }

  private exits(pod: Pod, sim: Sim): boolean {
    return sim.behaviour === 'crashloop' || sim.init || pod.spec.restartPolicy !== 'Always';
  }

  private start(pod: Pod, sim: Sim, host: ControllerHost, clock: number, record: (t: 'Normal' | 'Warning', r: string, m: string) => void): void {
    const name = sim.container.name;
    const namespace = pod.metadata.namespace ?? '';
    record('Normal', 'Created', `Created container: ${name}`);
    record('Normal', 'Started', `Started container ${name}`);
    Object.assign(sim, { step: 'running', containerID: containerId(), startedAt: now(), terminated: undefined, ready: false });
    this.logs.startInstance(namespace, pod.metadata.name, name);
    const log = (line: string): void => this.logs.append(namespace, pod.metadata.name, name, line);
    log(`simulated container "${name}" started from image ${qualifiedImage(sim.container.image)} on ${pod.spec.nodeName}`);
    const at = (ms: number): number => clock + host.scaled(ms);
    if (sim.behaviour === 'crashloop') {
      log('loading configuration');
      sim.dueAt = at(STAGE_MS.crashRun);
    } else if (sim.init) {
      log('initialising');
      sim.dueAt = at(STAGE_MS.initRun);
    } else if (pod.spec.restartPolicy !== 'Always') {
      log('working');
      sim.dueAt = at(STAGE_MS.jobRun);
    } else if (sim.behaviour === 'notready') {
      log(`listening on :${sim.container.ports?.[0]?.containerPort ?? 8080}`);
      log('readiness check failing: dependency unavailable (image tag "notready")');
      this.events.record(
        pod,
        'Warning',
        'Unhealthy',
        'Readiness probe failed: HTTP probe failed with statuscode: 503',
        SOURCE(pod.spec.nodeName!),
        fieldPath(sim),
      );
      sim.dueAt = Infinity;
    } else {
      log(`listening on :${sim.container.ports?.[0]?.containerPort ?? 8080}`);
      const probe = sim.container.readinessProbe;
      // Without a readiness probe a container is ready once started; with one, after its first success.
      if (probe) sim.dueAt = at(Math.max(STAGE_MS.probeDelay, (probe.initialDelaySeconds ?? 0) * 1000));
      else Object.assign(sim, { ready: true, dueAt: Infinity });
    }
  }

  private exit(pod: Pod, sim: Sim, host: ControllerHost, clock: number, record: (t: 'Normal' | 'Warning', r: string, m: string) => void): void {
    const failed = sim.behaviour === 'crashloop';
    const namespace = pod.metadata.namespace ?? '';
    const name = sim.container.name;
    this.logs.append(namespace, pod.metadata.name, name, failed ? 'fatal: simulated crash (image tag "crashloop"), exiting with code 1' : 'done');
    const terminated: Terminated = {
      exitCode: failed ? 1 : 0,
      reason: failed ? 'Error' : 'Completed',
      startedAt: sim.startedAt ?? now(),
      finishedAt: now(),
      containerID: sim.containerID ?? containerId(),
    };
    const restarts = failed ? pod.spec.restartPolicy !== 'Never' : pod.spec.restartPolicy === 'Always' && !sim.init;
    if (!restarts) {
      Object.assign(sim, { step: 'exited', terminated, ready: false, dueAt: Infinity });
      return;
    }
    sim.restartCount += 1;
    const delay = backoff(sim.restartCount);
    Object.assign(sim, { step: 'crash-backoff', lastTerminated: terminated, terminated: undefined, ready: false, dueAt: clock + host.scaled(delay) });
    record('Warning', 'BackOff', `Back-off restarting failed container ${name} in pod ${pod.metadata.name}_${namespace}(${pod.metadata.uid})`);
  }

  private terminate(pod: Pod, state: PodSim, host: ControllerHost, clock: number): { afterMs: number } | undefined {
    if (state.terminatingSince === undefined) {
      state.terminatingSince = clock;
      for (const sim of state.sims.filter((s) => s.step === 'running'))
        this.events.record(pod, 'Normal', 'Killing', `Stopping container ${sim.container.name}`, SOURCE(pod.spec.nodeName!), fieldPath(sim));
    }
    const grace = (pod.metadata.deletionGracePeriodSeconds as number | undefined) ?? 30;
    const due = state.terminatingSince + Math.min(host.scaled(STAGE_MS.terminate), grace * 1000);
    if (clock < due) return { afterMs: due - clock };
    host.rest.deleter.delete(host.type('', 'pods'), pod.metadata.namespace, pod.metadata.name, {
      gracePeriodSeconds: 0,
      preconditions: { uid: pod.metadata.uid },
    });
    return undefined;
  }

  private stateOf(pod: Pod): PodSim {
    const uid = pod.metadata.uid ?? '';
    let state = this.pods.get(uid);
    if (!state) {
      state = {
        uid,
        sims: [...(pod.spec.initContainers ?? []).map((c) => this.simOf(pod, c, true)), ...pod.spec.containers.map((c) => this.simOf(pod, c, false))],
      };
      this.pods.set(uid, state);
    }
    return state;
  }

  /** A container's simulation; after a simulator restart it resumes from the status the pod shows. */
  private simOf(pod: Pod, container: Container, init: boolean): Sim {
    const statuses = (init ? pod.status?.initContainerStatuses : pod.status?.containerStatuses) ?? [];
    const status = statuses.find((s) => s.name === container.name) as
      | { restartCount?: number; ready?: boolean; state?: { running?: { startedAt: string }; terminated?: Terminated; waiting?: { reason?: string } } }
      | undefined;
    const sim: Sim = {
      container,
      init,
      behaviour: imageBehaviour(container.image),
      step: 'waiting',
      dueAt: 0,
      restartCount: status?.restartCount ?? 0,
      pullFailures: 0,
      ready: false,
    };
    if (status?.state?.terminated) Object.assign(sim, { step: 'exited', terminated: status.state.terminated, dueAt: Infinity });
    else if (status?.state?.running) Object.assign(sim, { step: 'running', startedAt: status.state.running.startedAt, ready: status.ready === true, dueAt: 0 });
    return sim;
  }

  private writeStatus(pod: Pod, state: PodSim, host: ControllerHost): void {
    const index = Number(/(\d+)$/.exec(pod.spec.nodeName ?? '')?.[1] ?? 1) - 1;
    const inits = state.sims.filter((s) => s.init);
    const mains = state.sims.filter((s) => !s.init);
    const initsDone = inits.every((s) => s.step === 'exited' && s.terminated?.exitCode === 0);
    const initFailed = inits.some((s) => s.step === 'exited' && s.terminated?.exitCode !== 0);
    const allExited = mains.every((s) => s.step === 'exited');
    let phase: PodStatus['phase'] = 'Pending';
    if (initFailed) phase = 'Failed';
    else if (initsDone && allExited) phase = mains.every((s) => s.terminated?.exitCode === 0) ? 'Succeeded' : 'Failed';
    else if (initsDone && mains.some((s) => s.startedAt || s.restartCount > 0)) phase = 'Running';
    const terminal = phase === 'Succeeded' || phase === 'Failed';
    const unready = mains.filter((s) => !s.ready).map((s) => s.container.name);
    const incomplete = inits.filter((s) => s.step !== 'exited').map((s) => s.container.name);
    let conditions: Condition[] | undefined = pod.status?.conditions;
    conditions = setCondition(conditions, { type: 'PodReadyToStartContainers', status: terminal ? 'False' : 'True' });
    conditions = setCondition(
      conditions,
      incomplete.length
        ? { type: 'Initialized', status: 'False', reason: 'ContainersNotInitialized', message: `containers with incomplete status: [${incomplete.join(' ')}]` }
        : { type: 'Initialized', status: 'True' },
    );
    for (const type of ['Ready', 'ContainersReady']) {
      conditions = setCondition(
        conditions,
        terminal
          ? { type, status: 'False', reason: 'PodCompleted' }
          : unready.length
            ? { type, status: 'False', reason: 'ContainersNotReady', message: `containers with unready status: [${unready.join(' ')}]` }
            : { type, status: 'True' },
      );
    }
    if (!conditionOf(pod, 'PodScheduled')) conditions = setCondition(conditions, { type: 'PodScheduled', status: 'True' });
    const order = ['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady', 'PodScheduled'];
    conditions.sort((a, b) => order.indexOf(a.type) - order.indexOf(b.type));
    const status: PodStatus = {
      ...pod.status,
      phase,
      conditions,
      hostIP: nodeAddress(index),
      hostIPs: [{ ip: nodeAddress(index) }],
      podIP: pod.status?.podIP ?? this.podIp(pod, host, index),
      startTime: pod.status?.startTime ?? now(),
      containerStatuses: mains.map((s) => this.containerStatus(pod, s, inits.length > 0 && !initsDone)),
      ...(inits.length ? { initContainerStatuses: inits.map((s) => this.containerStatus(pod, s, false)) } : {}),
    };
    status.podIPs = [{ ip: status.podIP }];
    if (JSON.stringify(status) === JSON.stringify(pod.status)) return;
    host.rest.replace(host.type('', 'pods'), pod, { ...pod, status }, { subresource: 'status' });
  }

  private containerStatus(pod: Pod, sim: Sim, initializing: boolean): Record<string, unknown> {
    const image = sim.container.image;
    const started = sim.step === 'running';
    let state: Record<string, unknown>;
    switch (sim.step) {
      case 'running':
        state = { running: { startedAt: sim.startedAt } };
        break;
      case 'exited':
        state = { terminated: sim.terminated };
        break;
      case 'pull-error':
        state = { waiting: { reason: 'ErrImagePull', message: pullErrorMessage(image) } };
        break;
      case 'pull-backoff':
        state = { waiting: { reason: 'ImagePullBackOff', message: `Back-off pulling image "${image}": ErrImagePull: ${pullErrorMessage(image)}` } };
        break;
      case 'crash-backoff':
        state = {
          waiting: {
            reason: 'CrashLoopBackOff',
            message: `back-off ${Math.round(backoff(sim.restartCount) / 1000)}s restarting failed container=${sim.container.name} pod=${pod.metadata.name}_${pod.metadata.namespace}(${pod.metadata.uid})`,
          },
        };
        break;
      default:
        state = { waiting: { reason: sim.init || initializing ? 'PodInitializing' : 'ContainerCreating' } };
    }
    return {
      name: sim.container.name,
      image,
      imageID: sim.startedAt || sim.terminated ? imageId(image) : '',
      ...(sim.containerID ? { containerID: sim.containerID } : {}),
      ready: sim.ready,
      started,
      restartCount: sim.restartCount,
      state,
      lastState: sim.lastTerminated ? { terminated: sim.lastTerminated } : {},
    };
  }

  /** The lowest free address of the node's pod CIDR (10.244.<node>.0/24). */
  private podIp(pod: Pod, host: ControllerHost, index: number): string {
    const used = new Set((host.list('', 'pods') as Pod[]).filter((p) => p.spec.nodeName === pod.spec.nodeName).map((p) => p.status?.podIP));
    for (let n = 2; n < 255; n += 1) if (!used.has(`10.244.${index}.${n}`)) return `10.244.${index}.${n}`;
    return `10.244.${index}.254`;
  }
}
