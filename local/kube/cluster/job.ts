import type { KubeObject, StoreEvent } from '../store.js';
import type { EventRecorder } from './events.js';
import type { Controller, ControllerHost, Target } from './host.js';
import { isReady, isTerminal, now, type Pod } from './pods.js';
import { createPod, ownerTarget, randomSuffix, writeStatus, type Template } from './workload.js';

type JobSpec = {
  parallelism?: number;
  completions?: number;
  backoffLimit?: number;
  activeDeadlineSeconds?: number;
  ttlSecondsAfterFinished?: number;
  suspend?: boolean;
  template?: Template & { spec?: { restartPolicy?: string } };
};
type JobCondition = { type: string; status: 'True' | 'False'; lastProbeTime: string; lastTransitionTime: string; reason: string; message: string };
type JobStatus = {
  conditions?: JobCondition[];
  startTime?: string;
  completionTime?: string;
  active?: number;
  succeeded?: number;
  failed?: number;
  ready?: number;
  terminating?: number;
};
type Verdict = { type: 'SuccessCriteriaMet' | 'FailureTarget'; reason: string; message: string };

const SOURCE = { component: 'job-controller' };
/** The wait before replacing a failed pod at time scale 1: 1 s, doubling per failure, at most 10 s (Kubernetes: 10 s doubling to 6 min). */
const BACKOFF_BASE_MS = 1000;
const BACKOFF_MAX_MS = 10_000;
const SUCCESS: Verdict = { type: 'SuccessCriteriaMet', reason: 'CompletionsReached', message: 'Reached expected number of succeeded pods' };
const BACKOFF_LIMIT: Verdict = { type: 'FailureTarget', reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' };
const DEADLINE: Verdict = { type: 'FailureTarget', reason: 'DeadlineExceeded', message: 'Job was active longer than specified deadline' };

const isTrue = (status: JobStatus, type: string): JobCondition | undefined => status.conditions?.find((c) => c.type === type && c.status === 'True');
const restarts = (pod: Pod): number => (pod.status?.containerStatuses ?? []).reduce((sum, c) => sum + Number(c.restartCount ?? 0), 0);
const finishedAt = (pod: Pod): number =>
  Math.max(
    0,
    ...(pod.status?.containerStatuses ?? []).map((c) => Date.parse((c.state as { terminated?: { finishedAt?: string } })?.terminated?.finishedAt ?? '') || 0),
  );

/**
 * The Job controller: runs pods (`<job>-<5 chars>`) of the template, up to `parallelism` at a time,
 * until `completions` have succeeded, replacing failed ones after a short backoff. Finished pods are
 * kept (their logs stay readable). It writes the status Kubernetes 1.33 writes: active, ready,
 * succeeded, failed, terminating, startTime, completionTime, and the conditions `SuccessCriteriaMet`
 * then `Complete`, or `FailureTarget` then `Failed` (BackoffLimitExceeded once failures exceed
 * backoffLimit, DeadlineExceeded after activeDeadlineSeconds), each once the Job's remaining pods are
 * gone. A finished Job is deleted `ttlSecondsAfterFinished` (real) seconds after it finished.
 */
export class JobController implements Controller {
  readonly name = 'job';
  constructor(private readonly events: EventRecorder) {}

  targetsOf(event: StoreEvent): Target[] {
    if (event.group === 'batch' && event.plural === 'jobs') return event.type === 'DELETED' ? [] : [event];
    if (event.group === '' && event.plural === 'pods') return ownerTarget(event, 'Job', 'batch', 'jobs');
    return [];
  }

  initialTargets(host: ControllerHost): Target[] {
    return host.list('batch', 'jobs').map((j) => ({ group: 'batch', plural: 'jobs', namespace: j.metadata.namespace ?? '', name: j.metadata.name }));
  }

  reconcile(target: Target, host: ControllerHost): { afterMs: number } | undefined {
    const job = host.get('batch', 'jobs', target.namespace, target.name);
    if (!job || job.metadata.deletionTimestamp) return undefined;
    const status = (job.status ?? {}) as JobStatus;
    if (isTrue(status, 'Complete') || isTrue(status, 'Failed')) return this.expire(job, status, host);
    const spec = job.spec as JobSpec;
    const pods = host.owned('', 'pods', job) as Pod[];
    const active = pods.filter((p) => !isTerminal(p) && !p.metadata.deletionTimestamp);
    const succeeded = Math.max(status.succeeded ?? 0, pods.filter((p) => p.status?.phase === 'Succeeded').length);
    const onFailureRestarts = spec.template?.spec?.restartPolicy === 'OnFailure' ? active.reduce((sum, p) => sum + restarts(p), 0) : 0;
    const failed = Math.max(status.failed ?? 0, pods.filter((p) => p.status?.phase === 'Failed').length);
    const startTime = status.startTime ?? (spec.suspend ? undefined : now());
    const deadlineMs = spec.activeDeadlineSeconds !== undefined && startTime ? Date.parse(startTime) + spec.activeDeadlineSeconds * 1000 : Infinity;
    const completions = spec.completions;
    // Once decided, the outcome stays: the target condition is written first, the final one after the pods are gone.
    const decided = isTrue(status, 'SuccessCriteriaMet') ?? isTrue(status, 'FailureTarget');
    let verdict: Verdict | undefined = decided && { type: decided.type as Verdict['type'], reason: decided.reason, message: decided.message };
    if (!verdict) {
      if (completions !== undefined ? succeeded >= completions : succeeded > 0 && active.length === 0) verdict = SUCCESS;
      else if (failed + onFailureRestarts > (spec.backoffLimit ?? 6)) verdict = BACKOFF_LIMIT;
      else if (Date.now() >= deadlineMs) verdict = DEADLINE;
      if (verdict && verdict !== SUCCESS) this.events.record(job, 'Warning', verdict.reason, verdict.message, SOURCE);
    }

    let requeue: number | undefined;
    const conditions = [...(status.conditions ?? [])];
    if (verdict || spec.suspend) for (const pod of active) this.deletePod(host, job, pod);
    else requeue = this.startPods(host, job, spec, active.length, succeeded, failed, pods);
    const remaining = (host.owned('', 'pods', job) as Pod[]).filter((p) => !isTerminal(p));
    if (spec.suspend && !verdict) this.setCondition(conditions, 'Suspended', 'True', 'JobSuspended', 'Job suspended');
    else if (isTrue(status, 'Suspended')) this.setCondition(conditions, 'Suspended', 'False', 'JobResumed', 'Job resumed');
    let completionTime: string | undefined;
    if (verdict) {
      this.setCondition(conditions, verdict.type, 'True', verdict.reason, verdict.message);
      // The final condition waits until the Job's pods are gone (Kubernetes ≥ 1.31).
      if (remaining.length === 0) {
        const final = verdict.type === 'SuccessCriteriaMet' ? 'Complete' : 'Failed';
        this.setCondition(conditions, final, 'True', verdict.reason, verdict.message);
        if (final === 'Complete') {
          completionTime = now();
          this.events.record(job, 'Normal', 'Completed', 'Job completed', SOURCE);
        }
      }
    } else if (deadlineMs !== Infinity) requeue = Math.min(requeue ?? Infinity, Math.max(1, deadlineMs - Date.now()));
    const live = remaining.filter((p) => !p.metadata.deletionTimestamp);
    writeStatus(host, 'batch', 'jobs', job, {
      ...(conditions.length ? { conditions } : {}),
      ...(startTime ? { startTime } : {}),
      ...(completionTime ? { completionTime } : {}),
      ...(live.length ? { active: live.length } : {}),
      ...(succeeded ? { succeeded } : {}),
      ...(failed ? { failed } : {}),
      ready: live.filter(isReady).length,
      terminating: remaining.length - live.length,
      uncountedTerminatedPods: {},
    });
    if (completionTime || conditions.some((c) => c.type === 'Failed')) return { afterMs: 1 };
    return requeue === undefined || requeue === Infinity ? undefined : { afterMs: requeue };
  }

  /** Creates pods up to parallelism (and no more than the completions still missing); after a failure, only once the backoff has passed. */
  private startPods(host: ControllerHost, job: KubeObject, spec: JobSpec, active: number, succeeded: number, failed: number, pods: Pod[]): number | undefined {
    const parallelism = spec.parallelism ?? 1;
    const wanted = spec.completions !== undefined ? Math.min(parallelism, spec.completions - succeeded) : succeeded > 0 ? 0 : parallelism;
    if (wanted <= active) return undefined;
    if (failed > 0) {
      const lastFailure = Math.max(0, ...pods.filter((p) => p.status?.phase === 'Failed').map(finishedAt));
      const due = lastFailure + host.scaled(Math.min(BACKOFF_BASE_MS * 2 ** (failed - 1), BACKOFF_MAX_MS));
      if (Date.now() < due) return due - Date.now();
    }
    for (let i = active; i < wanted; i += 1) {
      const pod = createPod(host, job, spec.template ?? {}, `${job.metadata.name}-${randomSuffix()}`);
      this.events.record(job, 'Normal', 'SuccessfulCreate', `Created pod: ${pod.metadata.name}`, SOURCE);
    }
    return undefined;
  }

  private deletePod(host: ControllerHost, job: KubeObject, pod: Pod): void {
    host.rest.deleter.delete(host.type('', 'pods'), pod.metadata.namespace, pod.metadata.name);
    this.events.record(job, 'Normal', 'SuccessfulDelete', `Deleted pod: ${pod.metadata.name}`, SOURCE);
  }

  private setCondition(conditions: JobCondition[], type: string, status: 'True' | 'False', reason: string, message: string): void {
    const index = conditions.findIndex((c) => c.type === type);
    const previous = conditions[index];
    if (previous && previous.status === status && previous.reason === reason) return;
    const stamp = now();
    const condition: JobCondition = { type, status, lastProbeTime: stamp, lastTransitionTime: stamp, reason, message };
    if (index >= 0) conditions[index] = condition;
    else conditions.push(condition);
  }

  /** A finished Job with `ttlSecondsAfterFinished` is deleted (with its pods) that many seconds after it finished. */
  private expire(job: KubeObject, status: JobStatus, host: ControllerHost): { afterMs: number } | undefined {
    const ttl = (job.spec as JobSpec).ttlSecondsAfterFinished;
    if (ttl === undefined) return undefined;
    const finished = Date.parse(status.completionTime ?? isTrue(status, 'Failed')?.lastTransitionTime ?? '');
    const due = (Number.isFinite(finished) ? finished : Date.now()) + ttl * 1000;
    if (Date.now() < due) return { afterMs: due - Date.now() };
    host.rest.deleter.delete(host.type('batch', 'jobs'), job.metadata.namespace, job.metadata.name, { propagationPolicy: 'Background' });
    return undefined;
  }
}
