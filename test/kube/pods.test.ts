import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startTestCluster, type TestCluster } from './cluster.js';

type PodView = {
  metadata: { name: string; deletionTimestamp?: string };
  spec: { nodeName?: string };
  status: {
    phase: string;
    podIP?: string;
    conditions?: { type: string; status: string; reason?: string; message?: string }[];
    containerStatuses?: {
      ready: boolean;
      restartCount: number;
      state: Record<string, { reason?: string; message?: string; exitCode?: number }>;
      lastState: { terminated?: { exitCode: number } };
    }[];
    initContainerStatuses?: { state: Record<string, { reason?: string }> }[];
  };
};

// The nodes, the scheduler and the kubelet stand-in, seen through the real kubectl.
describe('pods on the simulated cluster', () => {
  let cluster: TestCluster;
  const kubectl = (...args: string[]): Promise<string> => cluster.cli('kubectl', args);
  const pod = async (name: string): Promise<PodView> => JSON.parse(await kubectl('get', 'pod', name, '-o', 'json')) as PodView;
  const waitFor = (name: string, check: (p: PodView) => boolean, timeoutMs = 15_000): Promise<PodView> =>
    eventually(async () => {
      const found = await pod(name);
      return check(found) ? found : undefined;
    }, timeoutMs);
  const condition = (p: PodView, type: string) => p.status.conditions?.find((c) => c.type === type);

  beforeAll(async () => {
    cluster = await startTestCluster();
  });
  afterAll(async () => {
    await cluster.stop();
  });

  it('has three Ready nodes with allocatable resources and heartbeating Leases', async () => {
    const nodes = JSON.parse(await kubectl('get', 'nodes', '-o', 'json')) as {
      items: { metadata: { name: string }; status: { allocatable: Record<string, string>; conditions: { type: string; status: string }[] } }[];
    };
    expect(nodes.items.map((n) => n.metadata.name)).toEqual(['sim-node-1', 'sim-node-2', 'sim-node-3']);
    for (const node of nodes.items) {
      expect(node.status.allocatable).toEqual({ cpu: '4', memory: '8Gi', pods: '110', 'ephemeral-storage': '50Gi' });
      expect(node.status.conditions.find((c) => c.type === 'Ready')?.status).toBe('True');
    }
    expect(await kubectl('get', 'lease', '-n', 'kube-node-lease', '-o', 'name')).toContain('lease.coordination.k8s.io/sim-node-1');
  });

  it('runs a pod through scheduling, pulling, init containers and start to Ready, with the events describe shows', async () => {
    const overrides = JSON.stringify({
      spec: {
        initContainers: [{ name: 'setup', image: 'busybox:1.36' }],
        containers: [{ name: 'web', image: 'nginx:1.27', resources: { requests: { cpu: '100m', memory: '64Mi' } } }],
      },
    });
    await kubectl('run', 'web', '--image=nginx:1.27', `--overrides=${overrides}`);
    const ready = await waitFor('web', (p) => condition(p, 'Ready')?.status === 'True');
    expect(ready.status.phase).toBe('Running');
    expect(ready.spec.nodeName).toMatch(/^sim-node-\d$/);
    expect(ready.status.podIP).toMatch(/^10\.244\.\d+\.\d+$/);
    expect(ready.status.initContainerStatuses?.[0]?.state.terminated?.reason).toBe('Completed');
    expect(condition(ready, 'Initialized')?.status).toBe('True');
    const describe = await kubectl('describe', 'pod', 'web');
    for (const reason of ['Scheduled', 'Pulling', 'Pulled', 'Created', 'Started']) expect(describe).toMatch(new RegExp(`Normal\\s+${reason}\\s`));
    expect(describe).toContain('Successfully assigned default/web to sim-node-');
  });

  it('leaves a pod that fits nowhere Pending with the scheduler’s message and a FailedScheduling event', async () => {
    const overrides = JSON.stringify({ spec: { containers: [{ name: 'big', image: 'nginx', resources: { requests: { memory: '100Gi' } } }] } });
    await kubectl('run', 'big', '--image=nginx', `--overrides=${overrides}`);
    const pending = await waitFor('big', (p) => condition(p, 'PodScheduled')?.reason === 'Unschedulable');
    expect(pending.status.phase).toBe('Pending');
    expect(condition(pending, 'PodScheduled')?.message).toBe('0/3 nodes are available: 3 Insufficient memory.');
    expect(await kubectl('get', 'events', '--field-selector', 'involvedObject.name=big,reason=FailedScheduling', '-o', 'jsonpath={.items[0].type}')).toBe(
      'Warning',
    );
  });

  it('reports ErrImagePull then ImagePullBackOff for an image whose registry ends in .invalid', async () => {
    await kubectl('run', 'unpullable', '--image=registry.invalid/team/app:1.0');
    const failed = await waitFor('unpullable', (p) => p.status.containerStatuses?.[0]?.state.waiting?.reason === 'ImagePullBackOff');
    expect(failed.status.containerStatuses?.[0]?.state.waiting?.message).toContain('lookup registry.invalid: no such host');
    const describe = await kubectl('describe', 'pod', 'unpullable');
    expect(describe).toContain('Error: ErrImagePull');
    expect(describe).toContain('Back-off pulling image "registry.invalid/team/app:1.0"');
  });

  it('crash-loops an image tagged crashloop, with a growing restartCount and the last exit code', async () => {
    await kubectl('run', 'crasher', '--image=busybox:crashloop');
    const looping = await waitFor('crasher', (p) => (p.status.containerStatuses?.[0]?.restartCount ?? 0) >= 2, 30_000);
    const container = looping.status.containerStatuses![0]!;
    expect(container.lastState.terminated?.exitCode).toBe(1);
    await waitFor('crasher', (p) => p.status.containerStatuses?.[0]?.state.waiting?.reason === 'CrashLoopBackOff', 30_000);
    expect(await kubectl('logs', 'crasher', '--previous').catch((e: Error) => e.message)).toMatch(/exiting with code 1|pods\/log/);
  });

  it('runs an image tagged notready without ever becoming Ready', async () => {
    await kubectl('run', 'sulky', '--image=nginx:notready');
    const running = await waitFor('sulky', (p) => p.status.phase === 'Running' && p.status.containerStatuses?.[0]?.state.running !== undefined);
    expect(running.status.containerStatuses?.[0]?.ready).toBe(false);
    expect(condition(running, 'Ready')?.reason).toBe('ContainersNotReady');
  });

  it('runs a pod with restartPolicy Never to Succeeded', async () => {
    await kubectl('run', 'once', '--image=busybox:1.36', '--restart=Never');
    const done = await waitFor('once', (p) => p.status.phase === 'Succeeded');
    expect(done.status.containerStatuses?.[0]?.state.terminated?.reason).toBe('Completed');
  });

  it('deletes a running pod gracefully (Terminating first) and at once with --force --grace-period=0', async () => {
    await kubectl('delete', 'pod', 'web', '--wait=false');
    const terminating = await pod('web').catch(() => undefined);
    if (terminating) expect(terminating.metadata.deletionTimestamp).toBeDefined();
    await eventually(async () => ((await kubectl('get', 'pod', 'web', '--ignore-not-found', '-o', 'name')).trim() === '' ? true : undefined));
    await kubectl('delete', 'pod', 'sulky', '--force', '--grace-period=0');
    expect((await kubectl('get', 'pod', 'sulky', '--ignore-not-found', '-o', 'name')).trim()).toBe('');
  });

  it('schedules a pending pod once a deletion frees room', async () => {
    const request = (memory: string) => JSON.stringify({ spec: { containers: [{ name: 'm', image: 'nginx', resources: { requests: { memory } } }] } });
    // Three 7Gi pods fill the three 8Gi nodes; a fourth waits until one of them goes.
    for (const name of ['fill-1', 'fill-2', 'fill-3']) await kubectl('run', name, '--image=nginx', `--overrides=${request('7Gi')}`);
    await kubectl('run', 'waiter', '--image=nginx', `--overrides=${request('7Gi')}`);
    await waitFor('waiter', (p) => condition(p, 'PodScheduled')?.reason === 'Unschedulable');
    await kubectl('delete', 'pod', 'fill-1', '--force', '--grace-period=0');
    const placed = await waitFor('waiter', (p) => condition(p, 'Ready')?.status === 'True');
    expect(placed.spec.nodeName).toBeDefined();
  });
});
