import { describe, expect, it } from 'vitest';
import { overallVerdict, podProblem, resourceVerdict } from '../../functions/helm/readiness.js';
import type { KubeObject } from '../../functions/helm/readiness.js';

const options = { now: Date.parse('2026-01-01T00:01:00Z'), imagePullGraceSeconds: 10 };

function pod(name: string, status: Record<string, unknown>, created = '2026-01-01T00:00:00Z'): KubeObject {
  return { kind: 'Pod', metadata: { name, namespace: 'ns', creationTimestamp: created, labels: { app: 'web' } }, status };
}
const running = (name: string) =>
  pod(name, {
    phase: 'Running',
    conditions: [
      { type: 'PodScheduled', status: 'True' },
      { type: 'Ready', status: 'True' },
    ],
    containerStatuses: [{ name: 'web', ready: true }],
  });
const waiting = (name: string, reason: string, extra: Record<string, unknown> = {}) =>
  pod(name, {
    phase: 'Pending',
    conditions: [{ type: 'PodScheduled', status: 'True' }],
    containerStatuses: [{ name: 'web', image: 'registry.invalid/web:1', ready: false, state: { waiting: { reason } }, ...extra }],
  });
const deployment = (status: Record<string, unknown>, replicas = 2): KubeObject => ({
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'ns', generation: 2 },
  spec: { replicas, selector: { matchLabels: { app: 'web' } } },
  status: { observedGeneration: 2, ...status },
});

describe('podProblem', () => {
  it('fails a pod in ImagePullBackOff at once, naming the image', () => {
    expect(podProblem(waiting('web-1', 'ImagePullBackOff'), options)).toEqual({ failed: true, message: 'pod web-1 ImagePullBackOff: registry.invalid/web:1' });
  });

  it('gives ErrImagePull a grace period from the pod creation before failing it', () => {
    const young = waiting('web-1', 'ErrImagePull');
    young.metadata = { ...young.metadata, creationTimestamp: '2026-01-01T00:00:55Z' };
    expect(podProblem(young, options)?.failed).toBe(false);
    expect(podProblem(waiting('web-1', 'ErrImagePull'), options)?.failed).toBe(true);
  });

  it('fails a crash-looping container with its restart count and last exit code', () => {
    const crashing = waiting('web-1', 'CrashLoopBackOff', { restartCount: 3, lastState: { terminated: { exitCode: 1 } } });
    expect(podProblem(crashing, options)).toEqual({ failed: true, message: 'pod web-1 CrashLoopBackOff: container web restarted 3 times (exit code 1)' });
  });

  it("fails an unschedulable pod with the scheduler's message", () => {
    const pending = pod('web-1', {
      phase: 'Pending',
      conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: '0/3 nodes are available: 3 Insufficient memory.' }],
    });
    expect(podProblem(pending, options)).toEqual({ failed: true, message: 'pod web-1 Unschedulable: 0/3 nodes are available: 3 Insufficient memory.' });
  });

  it('reports a pod still being created as pending, and a ready one as no problem', () => {
    expect(podProblem(waiting('web-1', 'ContainerCreating'), options)).toEqual({ failed: false, message: 'pod web-1 ContainerCreating' });
    expect(podProblem(running('web-1'), options)).toBeUndefined();
  });
});

describe('resourceVerdict', () => {
  it('is ready when a Deployment has all replicas updated and available', () => {
    const v = resourceVerdict(deployment({ replicas: 2, updatedReplicas: 2, availableReplicas: 2 }), [running('a'), running('b')], options);
    expect(v).toMatchObject({ verdict: 'ready', ready: true, message: '2/2 replicas available' });
  });

  it('names the failing pod of a Deployment rather than the replica count', () => {
    const v = resourceVerdict(deployment({ replicas: 2, updatedReplicas: 2, availableReplicas: 1 }), [running('a'), waiting('b', 'ImagePullBackOff')], options);
    expect(v).toMatchObject({ verdict: 'failed', message: 'pod b ImagePullBackOff: registry.invalid/web:1' });
  });

  it('waits until the pods of a rolled-out Deployment have stayed up readyStableSeconds', () => {
    const young = running('a');
    (young.status as { containerStatuses: { state?: unknown }[] }).containerStatuses[0]!.state = { running: { startedAt: '2026-01-01T00:00:58Z' } };
    const done = deployment({ replicas: 1, updatedReplicas: 1, availableReplicas: 1 }, 1);
    expect(resourceVerdict(done, [young], { ...options, readyStableSeconds: 5 })).toMatchObject({
      verdict: 'pending',
      message: '1/1 replicas available; pod a started 2.0s ago; checking that it stays up',
    });
    expect(resourceVerdict(done, [young], { ...options, readyStableSeconds: 1 }).verdict).toBe('ready');
  });

  it('ignores terminating and evicted pods of a workload', () => {
    const leaving = waiting('old', 'ImagePullBackOff');
    leaving.metadata = { ...leaving.metadata, deletionTimestamp: '2026-01-01T00:00:59Z' } as KubeObject['metadata'];
    const evicted = pod('gone', { phase: 'Failed', reason: 'Evicted' });
    const done = deployment({ replicas: 1, updatedReplicas: 1, availableReplicas: 1 }, 1);
    expect(resourceVerdict(done, [running('a'), leaving, evicted], options).verdict).toBe('ready');
  });

  it('fails a Deployment past its progress deadline', () => {
    const stuck = deployment({
      replicas: 2,
      updatedReplicas: 1,
      conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded', message: 'ReplicaSet "web-1" has timed out progressing.' }],
    });
    expect(resourceVerdict(stuck, [], options)).toMatchObject({
      verdict: 'failed',
      message: 'ProgressDeadlineExceeded: ReplicaSet "web-1" has timed out progressing.',
    });
  });

  it('waits while the controller has not observed the new generation', () => {
    const v = resourceVerdict(deployment({ observedGeneration: 1, replicas: 2, updatedReplicas: 2, availableReplicas: 2 }), [], options);
    expect(v).toMatchObject({ verdict: 'pending', message: 'rollout not observed yet' });
  });

  it('fails a Job whose Failed condition is true, and passes a complete one', () => {
    const job = (type: string): KubeObject => ({
      kind: 'Job',
      metadata: { name: 'migrate', namespace: 'ns' },
      status: { conditions: [{ type, status: 'True', reason: 'BackoffLimitExceeded' }] },
    });
    expect(resourceVerdict(job('Failed'), [], options)).toMatchObject({ verdict: 'failed', message: 'Job failed: BackoffLimitExceeded' });
    expect(resourceVerdict(job('Complete'), [], options).verdict).toBe('ready');
  });

  it('waits for a PVC to bind and for a LoadBalancer address', () => {
    expect(resourceVerdict({ kind: 'PersistentVolumeClaim', metadata: { name: 'data' }, status: { phase: 'Pending' } }, [], options).verdict).toBe('pending');
    const lb: KubeObject = { kind: 'Service', metadata: { name: 'web' }, spec: { type: 'LoadBalancer' }, status: { loadBalancer: {} } };
    expect(resourceVerdict(lb, [], options)).toMatchObject({ verdict: 'pending', message: 'waiting for a load balancer address' });
  });

  it('reports a declared object missing from the cluster as pending', () => {
    expect(resourceVerdict({ kind: 'Deployment', metadata: { name: 'web', namespace: 'ns' }, status: { missing: true } }, [], options)).toMatchObject({
      verdict: 'pending',
      message: 'not found in the cluster',
    });
  });
});

describe('overallVerdict', () => {
  it('puts a failure first, in the form "Kind namespace/name: reason"', () => {
    const failed = resourceVerdict(deployment({ replicas: 2, updatedReplicas: 2 }), [waiting('web-x2', 'ImagePullBackOff')], options);
    const pending = resourceVerdict({ kind: 'PersistentVolumeClaim', metadata: { name: 'data', namespace: 'ns' }, status: {} }, [], options);
    expect(overallVerdict([pending, failed])).toEqual({ verdict: 'failed', message: 'Deployment ns/web: pod web-x2 ImagePullBackOff: registry.invalid/web:1' });
    expect(overallVerdict([pending])).toEqual({ verdict: 'pending', message: 'PersistentVolumeClaim ns/data: Pending' });
  });
});
