import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startTestCluster, type TestCluster } from './cluster.js';
import { readWatch, type WatchLine } from './watch-lines.js';

type PodLine = WatchLine & {
  object: WatchLine['object'] & {
    metadata: { name: string; deletionTimestamp?: string; labels?: Record<string, string> };
    status?: { conditions?: { type: string; status: string }[] };
  };
};
type Item = {
  metadata: { name: string; labels?: Record<string, string>; ownerReferences?: unknown[] };
  spec?: Record<string, unknown>;
  status?: Record<string, unknown>;
};

const statefulSet = (image: string): string => `apiVersion: apps/v1
kind: StatefulSet
metadata: {name: web}
spec:
  replicas: 3
  serviceName: web
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: app, image: "${image}", volumeMounts: [{name: data, mountPath: /data}]}]
  volumeClaimTemplates:
  - metadata: {name: data, labels: {tier: storage}}
    spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}
`;

const daemonSet = (image: string): string => `apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent}
spec:
  selector: {matchLabels: {app: agent}}
  template:
    metadata: {labels: {app: agent}}
    spec:
      containers: [{name: agent, image: "${image}"}]
`;

const job = (name: string, image: string, extra: string): string => `apiVersion: batch/v1
kind: Job
metadata: {name: ${name}}
spec:
${extra}
  template:
    spec:
      restartPolicy: Never
      containers: [{name: work, image: "${image}"}]
`;

// StatefulSet, DaemonSet, Job and CronJob controllers, driven and read by the real kubectl.
describe('workload controllers through kubectl', () => {
  let cluster: TestCluster;
  const dir = mkdtempSync(join(tmpdir(), 'workload-manifests-'));
  const kubectl = (...args: string[]): Promise<string> => cluster.cli('kubectl', args);
  const apply = (name: string, text: string): Promise<string> => {
    writeFileSync(join(dir, name), text);
    return kubectl('apply', '-f', join(dir, name));
  };
  const items = async (...args: string[]): Promise<Item[]> => (JSON.parse(await kubectl('get', ...args, '-o', 'json')) as { items: Item[] }).items;
  const watchPods = (selector: string) => cluster.api(`/api/v1/namespaces/default/pods?watch=1&labelSelector=${encodeURIComponent(selector)}`);
  const ready = (line: PodLine): boolean => line.object.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;

  beforeAll(async () => {
    cluster = await startTestCluster();
  });
  afterAll(async () => {
    await cluster.stop();
  });

  it('creates StatefulSet pods in ordinal order, each after the previous is ready, with their claims', async () => {
    const watch = await watchPods('app=web');
    await apply('sts.yaml', statefulSet('nginx:1.27'));
    expect(await kubectl('rollout', 'status', 'statefulset/web', '--timeout=60s')).toContain('partitioned roll out complete: 3 new pods have been updated...');
    const lines = (await readWatch(watch, (l) => (l as PodLine[]).some((e) => e.object.metadata.name === 'web-2' && ready(e)))) as PodLine[];
    const added = lines.filter((l) => l.type === 'ADDED').map((l) => l.object.metadata.name);
    expect(added).toEqual(['web-0', 'web-1', 'web-2']);
    for (const [before, after] of [
      ['web-0', 'web-1'],
      ['web-1', 'web-2'],
    ])
      expect(lines.findIndex((l) => l.object.metadata.name === before && ready(l))).toBeLessThan(lines.findIndex((l) => l.object.metadata.name === after));

    const pods = await items('pods', '-l', 'app=web');
    const sts = JSON.parse(await kubectl('get', 'sts', 'web', '-o', 'json')) as Item;
    const revision = sts.status?.updateRevision as string;
    expect(sts.status).toMatchObject({
      replicas: 3,
      readyReplicas: 3,
      currentReplicas: 3,
      updatedReplicas: 3,
      availableReplicas: 3,
      currentRevision: revision,
    });
    expect(pods.map((p) => [p.metadata.labels?.['statefulset.kubernetes.io/pod-name'], p.metadata.labels?.['apps.kubernetes.io/pod-index']])).toEqual([
      ['web-0', '0'],
      ['web-1', '1'],
      ['web-2', '2'],
    ]);
    expect(pods[1]).toMatchObject({
      metadata: { labels: { 'controller-revision-hash': revision } },
      spec: { hostname: 'web-1', subdomain: 'web', volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'data-web-1' } }] },
    });
    const claims = await items('pvc');
    expect(claims.map((c) => [c.metadata.name, c.metadata.labels, c.metadata.ownerReferences])).toEqual([
      ['data-web-0', { tier: 'storage', app: 'web' }, undefined],
      ['data-web-1', { tier: 'storage', app: 'web' }, undefined],
      ['data-web-2', { tier: 'storage', app: 'web' }, undefined],
    ]);
    expect((await kubectl('get', 'controllerrevisions', '-o', 'name')).trim()).toBe(`controllerrevision.apps/${revision}`);
  });

  it('rolls a StatefulSet image update from the highest ordinal down', async () => {
    const watch = await watchPods('app=web');
    await kubectl('set', 'image', 'statefulset/web', 'app=nginx:1.28');
    expect(await kubectl('rollout', 'status', 'statefulset/web', '--timeout=60s')).toMatch(/3 new pods have been updated/);
    const sts = JSON.parse(await kubectl('get', 'sts', 'web', '-o', 'json')) as Item;
    const lines = (await readWatch(watch, (l) => (l as PodLine[]).filter((e) => e.type === 'DELETED').length >= 3)) as PodLine[];
    expect(lines.filter((l) => l.type === 'DELETED').map((l) => l.object.metadata.name)).toEqual(['web-2', 'web-1', 'web-0']);
    expect(sts.status?.currentRevision).toBe(sts.status?.updateRevision);
    const images = (await items('pods', '-l', 'app=web')).map((p) => (p.spec?.containers as { image: string }[])[0]!.image);
    expect(images).toEqual(['nginx:1.28', 'nginx:1.28', 'nginx:1.28']);
    const revisions = await items('controllerrevisions');
    expect(revisions.map((r) => (r as { revision?: number }).revision).sort()).toEqual([1, 2]);
  });

  it('scales a StatefulSet down from the highest ordinal, keeping the claims', async () => {
    await kubectl('patch', 'statefulset/web', '--type=merge', '-p', '{"spec":{"replicas":1}}');
    await eventually(async () => ((await items('pods', '-l', 'app=web')).length === 1 ? true : undefined), 30_000);
    expect((await items('pods', '-l', 'app=web')).map((p) => p.metadata.name)).toEqual(['web-0']);
    expect((await items('pvc')).length).toBe(3);
    await kubectl('rollout', 'status', 'statefulset/web', '--timeout=60s');
  });

  it('shows the StatefulSet history from its ControllerRevisions and rolls back with `kubectl rollout undo`', async () => {
    expect(await kubectl('rollout', 'history', 'statefulset/web')).toMatch(/REVISION\s+CHANGE-CAUSE\n1\s+<none>\n2\s+<none>/);
    expect(await kubectl('rollout', 'undo', 'statefulset/web')).toContain('statefulset.apps/web rolled back');
    await kubectl('rollout', 'status', 'statefulset/web', '--timeout=60s');
    expect(await kubectl('get', 'pod', 'web-0', '-o', 'jsonpath={.spec.containers[0].image}')).toBe('nginx:1.27');
    // The old template's revision is renumbered rather than copied.
    const revisions = await items('controllerrevisions');
    expect(revisions.map((r) => (r as { revision?: number }).revision).sort()).toEqual([2, 3]);
  });

  it('creates all pods of a Parallel StatefulSet at once, and deletes claims owned under whenDeleted: Delete', async () => {
    const watch = await watchPods('app=par');
    const manifest = statefulSet('nginx:1.27')
      .replaceAll('web', 'par')
      .replace(
        '  replicas: 3\n',
        '  replicas: 3\n  podManagementPolicy: Parallel\n  persistentVolumeClaimRetentionPolicy: {whenDeleted: Delete, whenScaled: Retain}\n',
      );
    await apply('par.yaml', manifest);
    await kubectl('rollout', 'status', 'statefulset/par', '--timeout=60s');
    const lines = (await readWatch(watch, (l) => (l as PodLine[]).some((e) => ready(e)))) as PodLine[];
    // All three exist before the first is ready.
    expect(lines.filter((l) => l.type === 'ADDED').map((l) => l.object.metadata.name)).toEqual(['par-0', 'par-1', 'par-2']);
    const claim = JSON.parse(await kubectl('get', 'pvc', 'data-par-0', '-o', 'json')) as Item;
    expect(claim.metadata.ownerReferences).toMatchObject([{ kind: 'StatefulSet', name: 'par' }]);
    await kubectl('delete', 'statefulset', 'par');
    expect((await items('pvc')).map((c) => c.metadata.name)).toEqual(['data-web-0', 'data-web-1', 'data-web-2']);
  });

  it('runs one DaemonSet pod on each of the three nodes and rolls an update', async () => {
    await apply('ds.yaml', daemonSet('fluentd:1.16'));
    expect(await kubectl('rollout', 'status', 'daemonset/agent', '--timeout=60s')).toContain('daemon set "agent" successfully rolled out');
    const pods = await items('pods', '-l', 'app=agent');
    expect(pods.map((p) => p.spec?.nodeName).sort()).toEqual(['sim-node-1', 'sim-node-2', 'sim-node-3']);
    expect(pods[0]?.metadata.labels).toMatchObject({ 'pod-template-generation': '1', 'controller-revision-hash': expect.any(String) });
    const ds = JSON.parse(await kubectl('get', 'ds', 'agent', '-o', 'json')) as Item;
    expect(ds.status).toMatchObject({
      desiredNumberScheduled: 3,
      currentNumberScheduled: 3,
      numberReady: 3,
      numberAvailable: 3,
      updatedNumberScheduled: 3,
      numberMisscheduled: 0,
    });

    await kubectl('set', 'image', 'daemonset/agent', 'agent=fluentd:1.17');
    expect(await kubectl('rollout', 'status', 'daemonset/agent', '--timeout=60s')).toContain('successfully rolled out');
    const updated = await items('pods', '-l', 'app=agent');
    expect(updated.map((p) => [(p.spec?.containers as { image: string }[])[0]!.image, p.metadata.labels?.['pod-template-generation']])).toEqual([
      ['fluentd:1.17', '2'],
      ['fluentd:1.17', '2'],
      ['fluentd:1.17', '2'],
    ]);
  });

  it('runs a DaemonSet only on the nodes its nodeSelector matches', async () => {
    const manifest = daemonSet('fluentd:1.16')
      .replaceAll('agent', 'picky')
      .replace('    spec:\n', '    spec:\n      nodeSelector: {kubernetes.io/hostname: sim-node-2}\n');
    await apply('picky.yaml', manifest);
    await kubectl('rollout', 'status', 'daemonset/picky', '--timeout=60s');
    expect((await items('pods', '-l', 'app=picky')).map((p) => p.spec?.nodeName)).toEqual(['sim-node-2']);
    expect(await kubectl('get', 'ds', 'picky', '-o', 'jsonpath={.status.desiredNumberScheduled}')).toBe('1');
  });

  it('leaves a node whose taint the DaemonSet does not tolerate, but keeps running on a cordoned one', async () => {
    const nodesOfAgent = async (): Promise<string[]> =>
      (await items('pods', '-l', 'app=agent'))
        .flatMap((p) => ((p.metadata as { deletionTimestamp?: string }).deletionTimestamp ? [] : [String(p.spec?.nodeName)]))
        .sort();
    await kubectl('cordon', 'sim-node-1');
    await kubectl('taint', 'nodes', 'sim-node-3', 'dedicated=db:NoSchedule');
    await eventually(async () => (JSON.stringify(await nodesOfAgent()) === '["sim-node-1","sim-node-2"]' ? true : undefined), 30_000);
    expect(await kubectl('get', 'ds', 'agent', '-o', 'jsonpath={.status.desiredNumberScheduled}')).toBe('2');
    await kubectl('taint', 'nodes', 'sim-node-3', 'dedicated-');
    await kubectl('uncordon', 'sim-node-1');
    await kubectl('rollout', 'status', 'daemonset/agent', '--timeout=60s');
    expect(await nodesOfAgent()).toEqual(['sim-node-1', 'sim-node-2', 'sim-node-3']);
  });

  it('completes a Job with two completions, keeping its finished pods', async () => {
    await apply('job.yaml', job('batch', 'busybox:1.36', '  completions: 2'));
    await kubectl('wait', '--for=condition=complete', 'job/batch', '--timeout=60s');
    const status = (JSON.parse(await kubectl('get', 'job', 'batch', '-o', 'json')) as Item).status as {
      conditions: { type: string; status: string; reason: string }[];
      succeeded: number;
      completionTime?: string;
    };
    expect(status.conditions.map((c) => [c.type, c.status, c.reason])).toEqual([
      ['SuccessCriteriaMet', 'True', 'CompletionsReached'],
      ['Complete', 'True', 'CompletionsReached'],
    ]);
    expect([status.succeeded, typeof status.completionTime]).toEqual([2, 'string']);
    const pods = await items('pods', '-l', 'job-name=batch');
    expect(pods.map((p) => p.status?.phase)).toEqual(['Succeeded', 'Succeeded']);
  });

  it('fails a crashing Job once its failures exceed backoffLimit (BackoffLimitExceeded)', async () => {
    await apply('crash.yaml', job('crash', 'busybox:crashloop', '  backoffLimit: 1'));
    await kubectl('wait', '--for=condition=failed', 'job/crash', '--timeout=60s');
    const status = (JSON.parse(await kubectl('get', 'job', 'crash', '-o', 'json')) as Item).status as {
      conditions: { type: string; reason: string; message: string }[];
      failed: number;
    };
    expect(status.conditions.map((c) => [c.type, c.reason, c.message])).toEqual([
      ['FailureTarget', 'BackoffLimitExceeded', 'Job has reached the specified backoff limit'],
      ['Failed', 'BackoffLimitExceeded', 'Job has reached the specified backoff limit'],
    ]);
    expect(status.failed).toBe(2);
  });

  it('fails a Job that runs past activeDeadlineSeconds (DeadlineExceeded) and stops its pod', async () => {
    // A crashing container under OnFailure restarts in place, so the pod never finishes.
    await apply(
      'slow.yaml',
      job('slow', 'busybox:crashloop', '  activeDeadlineSeconds: 1\n  backoffLimit: 100').replace('restartPolicy: Never', 'restartPolicy: OnFailure'),
    );
    await kubectl('wait', '--for=condition=failed', 'job/slow', '--timeout=60s');
    expect(await kubectl('get', 'job', 'slow', '-o', 'jsonpath={.status.conditions[-1].reason}')).toBe('DeadlineExceeded');
    expect((await items('pods', '-l', 'job-name=slow')).map((p) => p.status?.phase)).toEqual([]);
  });

  it('deletes a Job with its pods, and a finished Job after ttlSecondsAfterFinished', async () => {
    await kubectl('delete', 'job', 'batch');
    expect(await items('pods', '-l', 'job-name=batch')).toEqual([]);
    await apply('ttl.yaml', job('short', 'busybox:1.36', '  ttlSecondsAfterFinished: 0'));
    await eventually(async () => ((await kubectl('get', 'job', 'short', '--ignore-not-found', '-o', 'name')).trim() === '' ? true : undefined), 30_000);
  });

  it('stores a CronJob without running it, refuses one without a schedule, and `kubectl create job --from=cronjob` runs its template', async () => {
    const cronJob = (schedule: string): string =>
      `apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: nightly}\nspec:\n${schedule}  jobTemplate:\n    spec:\n      template:\n        spec:\n          restartPolicy: OnFailure\n          containers: [{name: work, image: "busybox:1.36"}]\n`;
    await expect(apply('cj-bad.yaml', cronJob(''))).rejects.toThrow(/spec.schedule: Required value/);
    await apply('cj.yaml', cronJob('  schedule: "* * * * *"\n'));
    await kubectl('create', 'job', 'manual', '--from=cronjob/nightly');
    await kubectl('wait', '--for=condition=complete', 'job/manual', '--timeout=60s');
    const manual = JSON.parse(await kubectl('get', 'job', 'manual', '-o', 'json')) as Item;
    expect(manual.metadata.ownerReferences).toMatchObject([{ kind: 'CronJob', name: 'nightly' }]);
    expect(manual.metadata.labels).toMatchObject({ 'batch.kubernetes.io/job-name': 'manual', 'job-name': 'manual' });
    // kubectl sent the Job as protobuf: the template came through whole.
    expect(manual.spec).toMatchObject({ template: { spec: { restartPolicy: 'OnFailure', containers: [{ name: 'work', image: 'busybox:1.36' }] } } });
    expect((await items('jobs')).map((j) => j.metadata.name).filter((n) => n !== 'crash' && n !== 'slow')).toEqual(['manual']);
  });
});
