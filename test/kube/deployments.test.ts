import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startTestCluster, type TestCluster } from './cluster.js';

type Rs = { metadata: { name: string; annotations: Record<string, string>; labels: Record<string, string> }; spec: { replicas: number } };
type Deployment = {
  metadata: { generation: number; annotations?: Record<string, string> };
  status: {
    observedGeneration?: number;
    replicas?: number;
    updatedReplicas?: number;
    availableReplicas?: number;
    conditions?: { type: string; status: string; reason: string }[];
  };
};

const manifest = (name: string, image: string, extra = ''): string => `apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}}
spec:
  replicas: 3
${extra}  selector: {matchLabels: {app: ${name}}}
  template:
    metadata: {labels: {app: ${name}}}
    spec:
      containers:
      - {name: app, image: "${image}", resources: {requests: {cpu: 10m, memory: 16Mi}}}
`;

// The Deployment and ReplicaSet controllers, through kubectl's rollout commands.
describe('deployments on the simulated cluster', () => {
  let cluster: TestCluster;
  const dir = mkdtempSync(join(tmpdir(), 'deployments-'));
  const kubectl = (...args: string[]): Promise<string> => cluster.cli('kubectl', args);
  const apply = (name: string, text: string): Promise<string> => {
    writeFileSync(join(dir, `${name}.yaml`), text);
    return kubectl('apply', '-f', join(dir, `${name}.yaml`));
  };
  const replicaSets = async (app: string): Promise<Rs[]> =>
    (JSON.parse(await kubectl('get', 'rs', '-l', `app=${app}`, '-o', 'json')) as { items: Rs[] }).items.sort(
      (a, b) => Number(a.metadata.annotations['deployment.kubernetes.io/revision']) - Number(b.metadata.annotations['deployment.kubernetes.io/revision']),
    );
  const deployment = async (name: string): Promise<Deployment> => JSON.parse(await kubectl('get', 'deploy', name, '-o', 'json')) as Deployment;

  beforeAll(async () => {
    cluster = await startTestCluster();
  });
  afterAll(async () => {
    await cluster.stop();
  });

  it('rolls out a Deployment: one ReplicaSet with the pod-template-hash, three ready pods, Available and Progressing', async () => {
    await apply('web', manifest('web', 'nginx:1.27'));
    expect(await kubectl('rollout', 'status', 'deployment/web', '--timeout=60s')).toContain('successfully rolled out');
    const [rs] = await replicaSets('web');
    expect(rs?.metadata.name).toBe(`web-${rs?.metadata.labels['pod-template-hash']}`);
    expect(rs?.metadata.annotations['deployment.kubernetes.io/revision']).toBe('1');
    const status = (await deployment('web')).status;
    expect([status.replicas, status.updatedReplicas, status.availableReplicas]).toEqual([3, 3, 3]);
    expect(status.conditions?.map((c) => [c.type, c.status, c.reason])).toEqual([
      ['Available', 'True', 'MinimumReplicasAvailable'],
      ['Progressing', 'True', 'NewReplicaSetAvailable'],
    ]);
    const pods = await kubectl('get', 'pods', '-l', 'app=web', '-o', 'jsonpath={range .items[*]}{.status.phase}{"\\n"}{end}');
    expect(pods.trim().split('\n')).toEqual(['Running', 'Running', 'Running']);
  });

  it('rolls a new image out to a second ReplicaSet and back with rollout undo', async () => {
    await kubectl('set', 'image', 'deployment/web', 'app=nginx:1.28');
    await kubectl('rollout', 'status', 'deployment/web', '--timeout=60s');
    let sets = await replicaSets('web');
    expect(sets.map((rs) => [rs.metadata.annotations['deployment.kubernetes.io/revision'], rs.spec.replicas])).toEqual([
      ['1', 0],
      ['2', 3],
    ]);
    expect(await kubectl('rollout', 'history', 'deployment/web')).toMatch(/1\s+<none>\s+2\s+<none>/);
    await kubectl('rollout', 'undo', 'deployment/web');
    await kubectl('rollout', 'status', 'deployment/web', '--timeout=60s');
    sets = await replicaSets('web');
    expect(sets.map((rs) => [rs.metadata.annotations['deployment.kubernetes.io/revision'], rs.spec.replicas])).toEqual([
      ['2', 0],
      ['3', 3],
    ]);
    expect(await kubectl('get', 'deploy', 'web', '-o', 'jsonpath={.spec.template.spec.containers[0].image}')).toBe('nginx:1.27');
  });

  it('restarts with rollout restart (a new template annotation, a new ReplicaSet)', async () => {
    await kubectl('rollout', 'restart', 'deployment/web');
    await kubectl('rollout', 'status', 'deployment/web', '--timeout=60s');
    const sets = await replicaSets('web');
    expect(sets.at(-1)?.metadata.annotations['deployment.kubernetes.io/revision']).toBe('4');
  });

  it('replaces a deleted pod', async () => {
    const before = (await kubectl('get', 'pods', '-l', 'app=web', '-o', 'name')).trim().split('\n');
    await kubectl('delete', before[0]!);
    await eventually(async () => {
      const now = (await kubectl('get', 'pods', '-l', 'app=web', '-o', 'name')).trim().split('\n');
      return now.length === 3 && !now.includes(before[0]!) ? now : undefined;
    });
  });

  it('reports ProgressDeadlineExceeded when a new image never becomes ready, and rollout status fails with it', async () => {
    await apply('stuck', manifest('stuck', 'registry.invalid/app:2', '  progressDeadlineSeconds: 2\n'));
    const failed = await eventually(async () => {
      const progressing = (await deployment('stuck')).status.conditions?.find((c) => c.type === 'Progressing');
      return progressing?.reason === 'ProgressDeadlineExceeded' ? progressing : undefined;
    }, 20_000);
    expect(failed.status).toBe('False');
    await expect(kubectl('rollout', 'status', 'deployment/stuck', '--timeout=20s')).rejects.toThrow(/exceeded its progress deadline/);
  });

  it('replaces all pods at once with the Recreate strategy', async () => {
    await apply('batch', manifest('batch', 'busybox:1', '  strategy: {type: Recreate}\n'));
    await kubectl('rollout', 'status', 'deployment/batch', '--timeout=60s');
    await kubectl('set', 'image', 'deployment/batch', 'app=busybox:2');
    await kubectl('rollout', 'status', 'deployment/batch', '--timeout=60s');
    const sets = await replicaSets('batch');
    expect(sets.map((rs) => rs.spec.replicas)).toEqual([0, 3]);
  });

  it('rejects a Deployment whose selector does not match its template (422)', async () => {
    const bad = manifest('mismatch', 'nginx').replace('selector: {matchLabels: {app: mismatch}}', 'selector: {matchLabels: {app: other}}');
    await expect(apply('mismatch', bad)).rejects.toThrow(/selector` does not match template `labels`/);
  });

  it('creates with `kubectl create deployment` (a protobuf body), spreads the pods over the nodes, and describes the rollout', async () => {
    await kubectl('create', 'deployment', 'spread', '--image=nginx:1.27', '--replicas=3');
    await kubectl('create', 'serviceaccount', 'spread-sa');
    await kubectl('rollout', 'status', 'deployment/spread', '--timeout=60s');
    const nodes = await kubectl('get', 'pods', '-l', 'app=spread', '-o', 'jsonpath={range .items[*]}{.spec.nodeName}{"\\n"}{end}');
    expect(new Set(nodes.trim().split('\n')).size).toBe(3);
    const described = await kubectl('describe', 'deployment', 'spread');
    expect(described).toMatch(/StrategyType:\s+RollingUpdate/);
    expect(described).toMatch(/ScalingReplicaSet\s+.*Scaled up replica set spread-\w+ from 0 to 3/);
    expect(await kubectl('describe', 'rs', '-l', 'app=spread')).toMatch(/SuccessfulCreate\s+.*Created pod: spread-/);
    expect(await kubectl('get', 'sa', 'spread-sa', '-o', 'name')).toContain('serviceaccount/spread-sa');
  });
});
